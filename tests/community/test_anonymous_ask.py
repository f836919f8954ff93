"""Visitors may open the ask form and see suggestions; posting asks them to log in or register first."""

from sqlalchemy import func, select

from app.analytics.models import Event
from app.community.models import Topic
from app.extensions import db
from tests.helpers import flashes, form_errors, page


def _draft(category, **fields):
    return {
        "type": "question",
        "title": "My card was blocked abroad",
        "body": "It stopped working in Riga.",
        "category_id": str(category.id),
        "mood": "upset",
        "confirmed": "1",
        "draft_id": "visitor-draft-1",
        **fields,
    }


def test_a_visitor_sees_the_ask_form(client, community):
    response = client.get("/new")
    assert response.status_code == 200
    form = page(response).find("form", id="ask-form")
    assert form.find("input", name="title") is not None
    assert form.get("data-keep-draft-on-submit", "absent") != "absent"


def test_a_visitor_posting_is_sent_to_log_in_and_nothing_is_saved(client, community):
    response = client.post("/new", _draft(community["cards"]))
    assert response.status_code == 303
    assert response.headers["Location"] == "/login?next=/new?resume%3D1"
    assert db.session.scalar(select(func.count()).select_from(Topic)) == 0
    assert "your draft is kept" in " ".join(flashes(client.get("/login?next=/new?resume%3D1")))


def test_a_visitors_invalid_draft_shows_the_errors_first(client, community):
    response = client.post("/new", _draft(community["cards"], title=""))
    assert response.status_code == 422
    assert form_errors(response)


def test_a_visitors_suggestion_events_are_counted(client, community):
    response = client.post_raw(
        "/api/v1/events",
        headers={"X-CSRFToken": client.csrf_token()},
        json={"event": "suggestions_shown", "draft": "visitor-draft-1", "count": 2},
    )
    assert response.status_code == 201
    event = db.session.scalars(select(Event)).one()
    assert (event.name, event.user_id, event.draft_id) == ("suggestions_shown", None, "visitor-draft-1")
