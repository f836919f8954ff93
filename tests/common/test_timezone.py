"""Times are shown in the viewer's time zone (their setting, else the community's DEFAULT_TIMEZONE), in
<time datetime> elements, relative ("2 hours ago") while recent."""

from datetime import datetime, timedelta

from app.auth.models import User
from app.common.db import utcnow
from app.extensions import db
from tests.helpers import form_errors, page

OLD = datetime(2026, 1, 5, 9, 30)  # 09:30 UTC: 12:30 in Moscow, 19:30 in Vladivostok


def _topic_times(client, topic) -> list:
    return page(client.get(f"/t/{topic.id}-{topic.slug}")).find("article", id="topic").find_all("time")


def _old_topic(make_topic):
    topic = make_topic(title="My card was blocked abroad")
    topic.created_at = OLD
    db.session.commit()
    return topic


def test_a_visitor_sees_the_communitys_time_zone(client, make_topic):
    topic = _old_topic(make_topic)
    [when] = [t for t in _topic_times(client, topic) if t.get("datetime") == "2026-01-05T09:30:00Z"]
    assert "12:30 PM" in when.text
    assert "Europe/Moscow" in when.get("title")


def test_a_user_sees_their_own_time_zone(client, auth, customer, make_topic):
    topic = _old_topic(make_topic)
    customer.timezone = "Asia/Vladivostok"
    db.session.commit()
    auth.login()
    [when] = [t for t in _topic_times(client, topic) if t.get("datetime") == "2026-01-05T09:30:00Z"]
    assert "7:30 PM" in when.text
    assert "Asia/Vladivostok" in when.get("title")


def test_recent_times_read_relative(client, make_topic):
    topic = make_topic(title="My card was blocked abroad")
    topic.created_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    texts = [t.text for t in _topic_times(client, topic)]
    assert "2 hours ago" in texts


def test_the_time_zone_is_chosen_in_the_settings(client, auth, customer):
    auth.login()
    options = page(client.get("/settings")).find("select", id="timezone").find_all("option")
    assert options[0].get("value") == "" and "Europe/Moscow" in options[0].text
    response = client.post("/settings", {"display_name": "Carol", "locale": "", "timezone": "America/New_York"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, customer.id).timezone == "America/New_York"


def test_an_unknown_time_zone_is_refused(client, auth, customer):
    auth.login()
    response = client.post("/settings", {"display_name": "Carol", "locale": "", "timezone": "Mars/Olympus"})
    assert response.status_code == 422
    assert form_errors(response)
    db.session.expire_all()
    assert db.session.get(User, customer.id).timezone is None
