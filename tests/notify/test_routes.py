"""Follow and unfollow on the topic page, the e-mail settings page, and the admins' outbox."""

import re

import pytest
from sqlalchemy import select

from app.community import services as community_services
from app.extensions import db
from app.notify.models import MailMessage, NotificationSettings, Subscription
from tests.helpers import db_snapshot, flashes, page, page_text


def _has(node, attribute: str) -> bool:
    return any(name == attribute for name, _ in node.attrs)


def _following(user, topic):
    return db.session.scalar(
        select(Subscription.is_following).where(Subscription.topic_id == topic.id, Subscription.user_id == user.id)
    )


def test_the_topic_page_offers_follow_and_unfollow(client, auth, community, customer, make_topic, make_user):
    topic = make_topic(author=community["rep_private"], category=community["cards"])
    auth.login()
    button = page(client.get(f"/t/{topic.id}", follow_redirects=True)).find("button", id="follow-button")
    assert button.text == "Follow"

    response = client.post(f"/t/{topic.id}/follow", follow_redirects=True)

    assert "You follow this topic: answers and status changes come by e-mail." in flashes(response)
    assert page(response).find("button", id="follow-button").text == "Unfollow"
    assert _following(customer, topic) is True

    response = client.post(f"/t/{topic.id}/unfollow", follow_redirects=True)
    assert page(response).find("button", id="follow-button").text == "Follow"
    assert _following(customer, topic) is False


def test_the_author_follows_their_topic_and_anonymous_visitors_see_no_button(client, auth, customer, make_topic):
    topic = make_topic(author=customer)
    assert page(client.get(f"/t/{topic.id}", follow_redirects=True)).find("button", id="follow-button") is None
    auth.login()
    button = page(client.get(f"/t/{topic.id}", follow_redirects=True)).find("button", id="follow-button")
    assert button.text == "Unfollow"


def test_follow_needs_login_and_a_csrf_token(client, auth, customer, make_topic):
    topic = make_topic()
    response = client.post(f"/t/{topic.id}/follow")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    auth.login()
    before = db_snapshot()
    assert client.post_raw(f"/t/{topic.id}/follow").status_code == 400
    assert db_snapshot() == before


def test_following_twice_is_harmless(client, auth, customer, make_topic):
    topic = make_topic()
    auth.login()
    client.post(f"/t/{topic.id}/follow")
    client.post(f"/t/{topic.id}/follow")
    assert (
        db.session.scalar(
            select(db.func.count())
            .select_from(Subscription)
            .where(Subscription.topic_id == topic.id, Subscription.user_id == customer.id)
        )
        == 1
    )


def test_settings_turn_topic_mail_off(app, client, auth, community, customer, make_topic):
    topic = make_topic(author=customer, category=community["cards"])
    auth.login()
    form = page(client.get("/settings/notifications"))
    assert _has(form.find("input", name="email_enabled"), "checked")
    assert form.find("input", name="new_topics") is None  # staff only

    response = client.post("/settings/notifications", {"email_enabled": "y"}, follow_redirects=True)

    assert "Your e-mail settings are saved." in flashes(response)
    settings = db.session.get(NotificationSettings, customer.id)
    assert (settings.email_enabled, settings.topic_activity) == (True, False)
    community_services.post_comment(community["rep_private"], topic, "An answer.")
    db.session.commit()
    assert db.session.scalar(select(MailMessage).where(MailMessage.recipient == customer.email)) is None


def test_settings_need_a_csrf_token(client, auth, customer):
    auth.login()
    before = db_snapshot()
    assert client.post_raw("/settings/notifications", data={"email_enabled": ""}).status_code == 400
    assert db_snapshot() == before


def test_settings_need_login(client):
    response = client.get("/settings/notifications")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_make_run_keeps_mail_in_the_outbox_for_admins(client, auth, community, customer, make_topic):
    """MAIL_BACKEND=outbox (the default of `make run`): nothing leaves, the admin reads it at /admin/outbox."""
    topic = make_topic(author=customer, category=community["cards"], title="Outbox shows this topic")
    community_services.post_comment(community["rep_private"], topic, "An <b>answer</b> with *markdown*")
    db.session.commit()
    message = db.session.scalar(select(MailMessage).where(MailMessage.recipient == customer.email))
    assert (message.status, message.transport) == ("sent", "outbox")

    auth.login("admin@test.example")
    listing = client.get("/admin/outbox")
    assert listing.status_code == 200
    assert "Official answer: Outbox shows this topic" in page_text(listing)
    shown = client.get(f"/admin/outbox/{message.id}")
    text = shown.get_data(as_text=True)
    assert "<b>answer</b>" not in text  # the HTML part is escaped into a sandboxed iframe
    assert _has(page(shown).find("iframe", class_="mail-html"), "sandbox")
    assert "An &lt;b&gt;answer&lt;/b&gt; with *markdown*" in text  # the plain-text part, escaped


@pytest.mark.parametrize("email", ["customer@test.example", "rep.private@test.example", "moderator@test.example"])
def test_the_outbox_is_for_admins_only(client, auth, community, customer, email):
    auth.login(email)
    assert client.get("/admin/outbox").status_code == 404
    assert client.get("/admin/outbox/1").status_code == 404


def test_the_outbox_needs_login(client):
    response = client.get("/admin/outbox")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "setting, value, message",
    [
        ("PUBLIC_URL", "support.example.com", "PUBLIC_URL must be an absolute http(s) URL"),
        ("MAIL_BACKEND", "sendmail", "MAIL_BACKEND must be one of outbox, smtp"),
        ("MAIL_SEND", "later", "MAIL_SEND must be 'inline' or 'deferred'"),
    ],
)
def test_the_app_refuses_broken_mail_settings(tmp_path, setting, value, message):
    from app import create_app
    from tests.conftest import _config_for

    config = type("Broken", (_config_for(tmp_path),), {setting: value})
    with pytest.raises(RuntimeError, match=re.escape(message)):
        create_app(config)


def test_outbox_statuses_are_translated(client, auth, community, customer, make_topic):
    topic = make_topic(author=customer, category=community["cards"], title="Outbox in Russian")
    community_services.post_comment(community["rep_private"], topic, "An answer")
    db.session.commit()
    auth.login("admin@test.example")
    listing = page(client.get("/admin/outbox?lang=ru"))
    cells = [td.text.strip() for td in listing.find_all("td", **{"data-label": "Статус"})]
    assert cells and all(cell.startswith("отправлено") for cell in cells)
    assert "отменено (0)" in listing.find("nav", class_="filters").text
