"""Deflection: suggestions shown, clicked, posted anyway; the admin page shows the month's figures."""

from sqlalchemy import select

from app.analytics.models import Event
from app.extensions import db


def event(client, name, draft, **extra):
    return client.post_raw(
        "/api/v1/events", json={"event": name, "draft": draft, **extra}, headers={"X-CSRFToken": client.csrf_token()}
    )


def test_events_are_recorded_and_reported(client, auth, customer, community, make_topic):
    topic = make_topic(title="Where is my new card", category=community["cards"])
    for n in range(3):  # three people go to a suggested topic
        assert event(client, "suggestions_shown", f"draft-went-{n}", count=3).status_code == 201
        assert event(client, "suggestion_clicked", f"draft-went-{n}", kind="topic", id=topic.id).status_code == 201
    auth.login()
    assert event(client, "suggestions_shown", "draft-posted-1", count=2).status_code == 201
    response = client.post(
        "/new",
        {
            "type": "idea",
            "title": "Please add Apple Pay for business cards",
            "body": "",
            "category_id": community["cards"].id,
            "confirmed": "1",
            "draft_id": "draft-posted-1",
        },
    )
    assert response.status_code == 302
    posted = db.session.scalars(select(Event).where(Event.name == "topic_posted")).all()
    assert [(e.draft_id, e.user_id) for e in posted] == [("draft-posted-1", customer.id)]
    auth.logout()
    auth.login("admin@test.example")
    page = client.get("/admin/").get_data(as_text=True)
    assert "3 people went to a suggested topic, 1 posted a new one." in page
    assert "75 %" in page


def test_bad_events_get_a_4xx(client):
    token = {"X-CSRFToken": client.csrf_token()}
    assert (
        client.post_raw("/api/v1/events", json={"event": "hack", "draft": "draft-0001"}, headers=token).status_code
        == 400
    )
    assert (
        client.post_raw(
            "/api/v1/events", json={"event": "suggestions_shown", "draft": "<x>"}, headers=token
        ).status_code
        == 400
    )
    assert client.post_raw("/api/v1/events", data="not json", headers=token).status_code == 400
    assert (
        client.post_raw(
            "/api/v1/events",
            json={"event": "suggestion_clicked", "draft": "draft-0001", "kind": "topic", "id": "1; drop"},
            headers=token,
        ).status_code
        == 400
    )
    assert (
        client.post_raw("/api/v1/events", json={"event": "suggestions_shown", "draft": "draft-0001"}).status_code == 400
    )
    assert db.session.scalars(select(Event)).all() == []


def test_each_visit_to_the_ask_form_is_its_own_draft_in_the_funnel(client, auth, customer, community, make_topic):
    """The contract the ask form's draft restore must keep (see the analytics report): a visit that restores a
    saved draft reports under a NEW draft id, so its deflection counts, and posting from it does not erase the
    deflection of the visit it was restored from."""
    topic = make_topic(title="Where is my new card", category=community["cards"])
    auth.login()
    # Visit 1: suggestions, opened one, left. Visit 2 (draft restored): the same. Visit 3 (restored): posted.
    for draft in ("visit-one-aaaa", "visit-two-bbbb"):
        event(client, "suggestions_shown", draft, count=3)
        event(client, "suggestion_clicked", draft, kind="topic", id=topic.id)
    event(client, "suggestions_shown", "visit-three-cc", count=3)
    assert (
        client.post(
            "/new",
            {
                "type": "question",
                "title": "My new card still has not arrived",
                "mood": "upset",
                "body": "It has been three weeks.",
                "category_id": community["cards"].id,
                "confirmed": "1",
                "draft_id": "visit-three-cc",
            },
        ).status_code
        == 302
    )
    auth.logout()
    auth.login("admin@test.example")
    csv = client.get("/admin/analytics/funnel.csv?period=7").get_data().decode("utf-8-sig").splitlines()
    assert csv[1:] == [
        "Typing produced suggestions,3",
        "A suggestion was opened,2",
        "Left without posting (deflected),2",
        "Posted a new request after suggestions,1",
        "Posted from the ask form,1",
    ]


def test_a_month_like_the_banks_september(app, client, auth, runner, customer, community, make_topic):
    """The issue's September through the real request paths: 1,386 drafts followed a suggestion and left, 136
    posted a new request after seeing suggestions. The dashboard and the CSVs show exactly that.

    The requests only fill the outboxes (JOBS_MODE off), and one `flask worker --burst` drains them, as a worker
    does with a burst of events. The eager mode of the other tests would rebuild the day's roll-ups after every
    one of the 3,000 requests, minutes of work that no deployment does."""
    app.config.update(RATELIMIT_EVENTS="100000/minute", RATELIMIT_POST="1000/minute", RATELIMIT_POST_NEW="1000/minute")
    topic = make_topic(title="Where is my new card", category=community["cards"])
    app.config["JOBS_MODE"] = "off"
    for n in range(1386):
        draft = f"september-went-{n:05d}"
        assert event(client, "suggestions_shown", draft, count=3).status_code == 201
        assert event(client, "suggestion_clicked", draft, kind="topic", id=topic.id).status_code == 201
    auth.login()
    for n in range(136):
        draft = f"september-post-{n:05d}"
        assert event(client, "suggestions_shown", draft, count=2).status_code == 201
        response = client.post(
            "/new",
            {
                "type": "question",
                "title": f"My card number {n} was charged twice",
                "mood": "upset",
                "body": "It was charged twice yesterday.",
                "category_id": community["cards"].id,
                "confirmed": "1",
                "draft_id": draft,
            },
        )
        assert response.status_code == 302
    app.config["JOBS_MODE"] = "eager"
    drained = runner.invoke(args=["worker", "--burst"])
    assert drained.exit_code == 0, drained.output
    auth.logout()
    auth.login("admin@test.example")
    funnel = client.get("/admin/analytics/funnel.csv?period=30").get_data().decode("utf-8-sig").splitlines()
    assert funnel[1:] == [
        "Typing produced suggestions,1522",
        "A suggestion was opened,1386",
        "Left without posting (deflected),1386",
        "Posted a new request after suggestions,136",
        "Posted from the ask form,136",
    ]
    page = client.get("/admin/analytics/?period=30").get_data(as_text=True)
    assert "91 %" in page  # the deflection rate: 1,386 / (1,386 + 136)
    assert "1386 people went to a suggested topic, 136 posted a new one." in client.get("/admin/").get_data(
        as_text=True
    )
    activity = client.get("/admin/analytics/activity.csv?period=30").get_data().decode("utf-8-sig").splitlines()
    assert "Questions,137" in activity  # the 136 and the one they were shown
