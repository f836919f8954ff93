"""Control characters in any input are a 400 before they reach the database; error pages start from a rolled-back
session, so the same user's next request works (on SQLite and on PostgreSQL, which refuses NUL in text)."""

import pytest
from sqlalchemy import select

from app.analytics.models import Event
from app.auth.models import User
from app.extensions import db
from tests.helpers import db_snapshot, page_text

BAD = ["\x00", "\x01", "\x08", "\x0b", "\x1b", "\x7f", "\x85"]


def _event(client, **changes):
    payload = {"event": "suggestions_shown", "draft": "draft-control-1", "count": 2, **changes}
    return client.post_raw("/api/v1/events", json=payload, headers={"X-CSRFToken": client.csrf_token()})


def test_a_nul_in_json_is_400_and_the_next_request_of_that_user_works(client_as, customer):
    browser = client_as(customer)

    refused = _event(browser, draft="draft\u0000with-nul")

    assert refused.status_code == 400
    assert refused.get_json() == {"error": "The request could not be understood."}
    assert browser.get("/").status_code == 200
    assert _event(browser).status_code == 201
    assert db.session.scalars(select(Event.user_id)).all() == [customer.id]


@pytest.mark.parametrize("char", BAD)
def test_control_characters_in_json_keys_and_nested_values_are_400(client, char):
    before = db_snapshot()
    assert _event(client, **{f"key{char}": 1}).status_code == 400
    assert _event(client, extra={"list": ["fine", f"bad{char}"]}).status_code == 400
    assert db_snapshot() == before


@pytest.mark.parametrize("char", BAD)
def test_control_characters_in_forms_queries_headers_and_paths_are_400(client_as, customer, make_topic, char):
    browser = client_as(customer)
    topic = make_topic(author=customer)
    before = db_snapshot()

    assert browser.post(f"/t/{topic.id}/comments", {"body": f"Hello{char}there"}).status_code == 400
    assert browser.post("/settings", {"display_name": f"Carol{char}", "locale": ""}).status_code == 400
    assert browser.get(f"/search?q=card{char}").status_code == 400
    assert browser.get("/", headers={"X-Anything": f"a{char}b"}).status_code == (400 if char < "\x80" else 200)
    assert browser.get(f"/kb/search?q={char}").status_code == 400
    assert db_snapshot() == before


def test_tab_newline_and_return_are_text(client_as, customer, make_topic):
    browser = client_as(customer)
    topic = make_topic(author=customer)

    response = browser.post(f"/t/{topic.id}/comments", {"body": "Line one\r\n\tLine two\nLine three"})

    assert response.status_code == 302
    assert "Line two" in page_text(browser.get(f"/t/{topic.id}", follow_redirects=True))


def test_deeply_nested_json_is_400(client):
    response = client.post_raw(
        "/api/v1/events",
        data="[" * 100_000 + "]" * 100_000,
        content_type="application/json",
        headers={"X-CSRFToken": client.csrf_token()},
    )
    assert response.status_code == 400


def test_an_error_page_after_a_failed_write_starts_from_a_clean_session(app, client_as, customer):
    """The reproduced bug: a failed flush, then the error page (and the user's next request) used the failed
    session. Every error handler rolls back first."""
    app.config["PROPAGATE_EXCEPTIONS"] = False  # let the 500 handler answer, as in production

    @app.route("/_test/failing-write")
    def failing_write():
        from flask_login import current_user

        assert current_user.is_authenticated
        db.session.commit()  # expires the signed-in user: the error page has to load it again
        db.session.add(User(email=customer.email, display_name="Duplicate", role="customer"))
        db.session.flush()  # IntegrityError: the e-mail is taken
        return "unreachable"

    browser = client_as(customer)
    failed = browser.get("/_test/failing-write")

    assert failed.status_code == 500
    assert "Something went wrong on our side" in page_text(failed)
    assert "Carol Customer" in page_text(failed)  # the header still shows who is signed in
    assert browser.get("/settings").status_code == 200
