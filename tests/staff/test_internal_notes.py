"""Internal notes (and hand-off notes) are for staff: customers never see them, not on pages, in search, the
suggest API, feeds, profiles or e-mails."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.staff.models import InternalNote
from tests.helpers import form_errors, page

MARKER = "Zanzibarquartz"
HAND_OFF_MARKER = "Kilimanjarobolt"
NOTE = f"Customer {MARKER} is a known fraud risk; check the passport. <script>alert(1)</script>"


@pytest.fixture
def noted(client_as, make_topic, customer, staff):
    """A public problem with an official answer, an internal note and a hand-off note."""
    topic = make_topic(
        author=customer,
        title="Card blocked in Riga",
        body="It stopped working at a terminal.",
        category=staff["cards"],
        topic_type="problem",
    )
    lead = client_as(staff["rep_private"])
    assert lead.post(f"/t/{topic.id}/comments", {"body": "We unblocked the card."}).status_code == 302
    assert lead.post(f"/staff/t/{topic.id}/notes", {"body": NOTE}).status_code == 302
    assert (
        lead.post(
            f"/staff/t/{topic.id}/hand-off",
            {"department_id": str(staff["business"].id), "note": f"Terminal issue {HAND_OFF_MARKER}"},
        ).status_code
        == 302
    )
    assert lead.post(f"/t/{topic.id}/status", {"status": "solved"}).status_code == 302
    return topic


def _get(client, url, **kwargs):
    response = client.get(url, follow_redirects=True, **kwargs)
    body = response.get_data().decode("utf-8", "replace")  # icons and images too: read them as text
    response.close()
    return response.status_code, body


# Searches for words that are only in the notes: the page repeats the query, but must not find the topic.
SEARCHES = [
    f"/search?q={MARKER}",
    f"/search?q={HAND_OFF_MARKER}",
    "/search?q=fraud+passport",
    f"/api/v1/suggest?title={MARKER}&body=passport",
    "/api/v1/suggest?title=fraud+risk+passport",
]


def _public_urls(app, topic, users) -> list[str]:
    urls = [f"/t/{topic.id}"]
    urls += [f"/u/{user.id}" for user in users] + [f"/u/{user.id}?tab=comments" for user in users]
    for rule in app.url_map.iter_rules():  # every page without parameters: lists, feeds, sitemaps, kb, news ...
        if "GET" in rule.methods and not rule.arguments and not rule.rule.startswith(("/staff", "/admin", "/static")):
            urls.append(rule.rule)
    return urls


def test_staff_see_the_note_sanitised_on_the_topic(client_as, noted, staff):
    for who in ("rep_private", "rep_business", "moderator", "admin"):
        section = page(client_as(staff[who]).get(f"/t/{noted.id}", follow_redirects=True)).find(
            "section", id="staff-panel"
        )
        notes = section.find("ul", id="internal-notes")
        assert MARKER in notes.text and "Pavel Private" in notes.text
        assert notes.find("script") is None
        assert HAND_OFF_MARKER in section.find("ol", id="work-history").text


@pytest.mark.parametrize("viewer", ["anonymous", "author", "other customer"])
def test_customers_never_see_notes_anywhere(app, client_as, noted, customer, make_user, staff, viewer):
    user = {"anonymous": None, "author": customer, "other customer": make_user()}[viewer]
    client = client_as(user)
    for url in _public_urls(app, noted, [customer, staff["rep_private"]]):
        status, body = _get(client, url)
        assert status < 500, url
        assert MARKER not in body and HAND_OFF_MARKER not in body, url
        assert "fraud risk" not in body and "Terminal issue" not in body, url
    for url in SEARCHES:
        status, body = _get(client, url)
        assert status == 200 and f"/t/{noted.id}-" not in body and "check the passport" not in body, url


def test_the_topic_page_still_shows_the_public_answer(client_as, noted, customer):
    status, body = _get(client_as(customer), f"/t/{noted.id}")
    assert status == 200 and "We unblocked the card." in body


def test_notes_are_not_searchable_even_for_staff(client_as, noted, staff):
    _status, body = _get(client_as(staff["admin"]), f"/search?q={MARKER}")
    assert f"/t/{noted.id}-" not in body
    suggestions = client_as(staff["admin"]).get("/api/v1/suggest", query_string={"title": MARKER}).get_json()
    assert suggestions == []


def test_notes_are_never_in_e_mails(app, client_as, noted, customer, make_user, staff):
    notify_models = pytest.importorskip("app.notify.models", reason="no e-mails without app.notify")
    # More activity that mails followers (the author, the commenters, the department's staff).
    client_as(customer).post(f"/t/{noted.id}/comments", {"body": "Thanks, it works."})
    client_as(staff["rep_business"]).post(f"/staff/t/{noted.id}/notes", {"body": f"Closing {MARKER} again."})
    client_as(staff["rep_business"]).post(f"/t/{noted.id}/comments", {"body": "Glad to help."})
    db.session.expire_all()
    mails = list(db.session.scalars(select(notify_models.MailMessage)))
    assert mails, "the activity above should have queued some e-mail"
    for mail in mails:
        for text in (mail.subject, mail.body_text, mail.body_html):
            assert MARKER not in text and "fraud risk" not in text
    # The hand-off note tells the receiving department's representatives why the topic is theirs now: it is in
    # their e-mail, and in nobody else's (not the customer's, not a follower's).
    with_hand_off_note = {
        mail.recipient
        for mail in mails
        if any(HAND_OFF_MARKER in text for text in (mail.subject, mail.body_text, mail.body_html))
    }
    assert with_hand_off_note == {staff["rep_business"].email}


def test_an_empty_note_is_a_form_error(client_as, make_topic, customer, staff):
    topic = make_topic(author=customer, category=staff["cards"])
    response = client_as(staff["rep_private"]).post(f"/staff/t/{topic.id}/notes", {"body": "   "})
    assert response.status_code == 422 and form_errors(response)
    assert db.session.scalar(select(InternalNote)) is None


def test_customers_cannot_write_notes(client_as, make_topic, customer, staff):
    topic = make_topic(author=customer, category=staff["cards"])
    assert client_as(customer).post(f"/staff/t/{topic.id}/notes", {"body": "Let me in"}).status_code == 404
    assert client_as(None).post(f"/staff/t/{topic.id}/notes", {"body": "Let me in"}).status_code == 302
    assert db.session.scalar(select(InternalNote)) is None


def test_notes_on_a_deleted_topic_are_refused(client_as, make_topic, customer, staff):
    from app.community import services as community_services

    topic = make_topic(author=customer, category=staff["cards"])
    community_services.delete_topic(staff["admin"], topic)
    db.session.commit()
    assert client_as(staff["admin"]).post(f"/staff/t/{topic.id}/notes", {"body": "x"}).status_code == 404
