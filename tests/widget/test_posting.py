"""Signing in through the popup, the widget credential, and posting a request from the panel."""

import re
import time

from sqlalchemy import select

from app.analytics.models import Event
from app.community.models import Topic
from app.extensions import db
from app.widget import tokens
from tests.helpers import frame_ancestors_of
from tests.widget.conftest import PARTNER, handoff_of, post_headers

REQUEST = {
    "type": "problem",
    "mood": "upset",
    "title": "The card payment failed twice",
    "body": "At the shop, twice, with money on the account.",
    "source_url": f"{PARTNER}/cards/limits?x=1",
    "source_title": "  Card limits  |  Bank  ",
    "draft": "abcdef123456",
}


def _post(client, headers, **changes):
    return client.post("/api/v1/widget/topics", json={**REQUEST, **changes}, headers=headers)


def test_the_popup_sends_strangers_to_the_login_form_and_back(client, customer):
    response = client.get("/widget/signin")
    assert (
        response.status_code == 302
        and response.headers["Location"] == "/login?next=/widget/signin"
        or "/login?next=%2Fwidget%2Fsignin" in response.headers["Location"]
    )
    response = client.post("/login?next=/widget/signin", {"email": customer.email, "password": "correct-horse-battery"})
    assert response.headers["Location"] == "/widget/signin"
    handoff = handoff_of(client)
    assert handoff["type"] == "otklik:widget-token" and handoff["name"] == "Carol Customer"
    assert tokens.read_post_token(handoff["token"]) == (customer.id, 0, "widget")
    page = client.get("/widget/signin")
    assert page.headers["Cache-Control"] == "no-store"
    assert frame_ancestors_of(page) == "'self'"


def test_posting_with_the_credential_creates_a_widget_topic_with_the_page(client, auth, customer, community):
    auth.login()
    handoff = handoff_of(client)
    anonymous = client.application.test_client()  # the panel: no cookies at all
    response = anonymous.post(
        "/api/v1/widget/topics", json={**REQUEST, "category_id": community["cards"].id}, headers=post_headers(handoff)
    )
    assert response.status_code == 201, response.get_json()
    topic = db.session.get(Topic, response.get_json()["id"])
    assert (topic.channel, topic.author_id, topic.title) == ("widget", customer.id, REQUEST["title"])
    assert (topic.source_url, topic.source_title) == (f"{PARTNER}/cards/limits?x=1", "Card limits | Bank")
    assert topic.department_id == community["private"].id
    posted = db.session.scalars(select(Event).where(Event.name == "topic_posted")).one()
    assert (posted.channel, posted.subject_id, posted.user_id) == ("widget", topic.id, customer.id)


def test_a_page_of_a_site_that_is_not_listed_is_not_attached(client, auth, customer, community):
    auth.login()
    response = _post(
        client.application.test_client(),
        post_headers(handoff_of(client)),
        category_id=community["cards"].id,
        source_url="javascript:alert(1)//https://bank.example",
    )
    assert response.status_code == 201
    topic = db.session.get(Topic, response.get_json()["id"])
    assert topic.source_url is None and topic.source_title is None


def test_missing_or_forged_credentials_get_a_4xx(client, auth, customer, community):
    auth.login()
    handoff = handoff_of(client)
    panel = client.application.test_client()
    category = {"category_id": community["cards"].id}
    assert _post(panel, {}, **category).status_code == 401
    assert _post(panel, {"Authorization": f"Bearer {handoff['token']}"}, **category).status_code == 403  # no CSRF
    assert _post(panel, {**post_headers(handoff), "X-Widget-CSRF": "0" * 64}, **category).status_code == 403
    assert (
        _post(panel, {**post_headers(handoff), "Authorization": "Bearer forged.token"}, **category).status_code == 401
    )
    # a token of another purpose (the panel's own) is not a credential to post
    panel_token = tokens.issue_panel_token("abcdef123456")
    wrong = _post(
        panel, {"Authorization": f"Bearer {panel_token}", "X-Widget-CSRF": tokens.csrf_for(panel_token)}, **category
    )
    assert wrong.status_code == 401 and "Sign in" in wrong.get_json()["error"]
    # the session's CSRF token does not replace the widget's
    assert (
        client.post_raw(
            "/api/v1/widget/topics", json={**REQUEST, **category}, headers={"X-CSRFToken": client.csrf_token()}
        ).status_code
        == 401
    )
    assert db.session.scalar(select(Topic.id)) is None


def test_an_expired_credential_asks_to_sign_in_again(client, auth, customer, community, monkeypatch):
    issued_at = time.time() - tokens.POST_MAX_AGE - 60
    with monkeypatch.context() as clock:
        clock.setattr(time, "time", lambda: issued_at)
        token = tokens.issue_post_token(customer)
    response = _post(
        client.application.test_client(),
        {"Authorization": f"Bearer {token}", "X-Widget-CSRF": tokens.csrf_for(token)},
        category_id=community["cards"].id,
    )
    assert response.status_code == 401 and "expired" in response.get_json()["error"]


def test_a_blocked_user_cannot_use_an_earlier_credential(client, auth, customer, community):
    auth.login()
    handoff = handoff_of(client)
    customer.is_blocked = True
    db.session.commit()
    response = _post(client.application.test_client(), post_headers(handoff), category_id=community["cards"].id)
    assert response.status_code == 401


def test_bad_input_gets_a_clear_4xx(client, auth, customer, community):
    auth.login()
    headers = post_headers(handoff_of(client))
    panel = client.application.test_client()
    no_mood = _post(panel, headers, category_id=community["cards"].id, mood="")
    assert no_mood.status_code == 422 and no_mood.get_json()["field"] == "mood"
    no_category = _post(panel, headers, category_id="x")
    assert no_category.status_code == 422 and no_category.get_json()["field"] == "category_id"
    assert panel.post("/api/v1/widget/topics", data="not json", headers=headers).status_code == 400


def test_posting_is_rate_limited(app, client, auth, customer, community):
    app.config["WIDGET_POST_LIMIT"] = "2 per hour"
    auth.login()
    headers = post_headers(handoff_of(client))
    panel = client.application.test_client()
    codes = [
        _post(panel, headers, category_id=community["cards"].id, title=f"The card payment failed {n}").status_code
        for n in range(3)
    ]
    assert codes == [201, 201, 429]


def test_panel_events_are_recorded_with_the_widget_channel(client, community):
    page = client.get(f"/widget/panel?host={PARTNER}").get_data(as_text=True)
    token = re.search(r'"panelToken": "([^"]+)"', page).group(1)
    draft = re.search(r'"draft": "([^"]+)"', page).group(1)
    panel = client.application.test_client()
    headers = {"X-Widget-Panel": token}
    shown = panel.post(
        "/api/v1/widget/events", json={"event": "suggestions_shown", "draft": draft, "count": 2}, headers=headers
    )
    assert shown.status_code == 201
    event = db.session.scalars(select(Event)).one()
    assert (event.name, event.channel, event.draft_id, event.data) == (
        "suggestions_shown",
        "widget",
        draft,
        {"count": 2},
    )
    assert panel.post("/api/v1/widget/events", json={"event": "suggestions_shown", "draft": draft}).status_code == 401
    assert (
        panel.post(
            "/api/v1/widget/events", json={"event": "suggestions_shown", "draft": "another-draft"}, headers=headers
        ).status_code
        == 400
    )
    assert (
        panel.post("/api/v1/widget/events", json={"event": "hack", "draft": draft}, headers=headers).status_code == 400
    )
    assert db.session.scalars(select(Event)).all() == [event]


def test_an_entry_point_that_signed_the_customer_in_opens_the_panel_with_its_channel(app, customer, community):
    """What the VK and Facebook apps do: panel_config(host, channel, user) -> a credential for that channel."""
    from app.widget.panel import panel_config

    with app.test_request_context("/vk/app"):
        config = panel_config("https://vk.com", "vk", customer)
    assert config["credential"]["name"] == "Carol Customer" and config["channel"] == "vk"
    panel = app.test_client()
    headers = {
        "Authorization": f"Bearer {config['credential']['token']}",
        "X-Widget-CSRF": config["credential"]["csrf"],
    }
    response = _post(panel, headers, category_id=community["cards"].id)
    assert response.status_code == 201
    assert db.session.get(Topic, response.get_json()["id"]).channel == "vk"
    event = panel.post(
        "/api/v1/widget/events",
        json={"event": "suggestions_shown", "draft": config["draft"]},
        headers={"X-Widget-Panel": config["panelToken"]},
    )
    assert event.status_code == 201
    assert db.session.scalars(select(Event.channel).where(Event.name == "suggestions_shown")).one() == "vk"
