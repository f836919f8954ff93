"""Bad input never gives a 500: a form error (422, message shown) or a 4xx, and nothing stored changes."""

import pytest

from app.community import services
from app.extensions import db
from tests.helpers import db_snapshot, form_errors

HUGE = "99999999999999999999"  # beyond 64-bit integers
BIG = "9999999999"  # fits 64 bits, not 32


@pytest.fixture
def scene(make_topic, customer, community, client_as):
    """The customer's question with a representative's answer, another topic with an answer, a logged-in client."""
    topic = make_topic(author=customer, category=community["cards"])
    answer = services.post_comment(community["rep_private"], topic, "Try again tomorrow.")
    other = make_topic(category=community["acquiring"])
    foreign = services.post_comment(community["rep_business"], other, "Elsewhere.")
    db.session.commit()
    return {
        **community,
        "topic": topic,
        "answer": answer,
        "foreign": foreign,
        "client": client_as(customer),
        "moderator": client_as(community["moderator"]),
    }


def _topic_form(scene, **changes):
    form = {
        "type": "question",
        "mood": "upset",
        "title": "A perfectly fine title",
        "body": "Details.",
        "category_id": str(scene["cards"].id),
        "confirmed": "1",
    }
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"title": ""}, "This field is required."),
        ({"title": "      "}, "This field is required."),
        ({"title": "a  b  "}, "The title must be at least 5 characters long."),
        ({"title": "x" * 100_000}, "Field must be between 5 and 200 characters long."),
        ({"title": None}, "This field is required."),
        ({"body": "x" * 100_000}, "Field cannot be longer than 20000 characters."),
        ({"body": ""}, "Describe your question or problem."),
        ({"category_id": "999999"}, "Not a valid choice."),
        ({"category_id": HUGE}, "Not a valid choice."),
        ({"category_id": "abc"}, None),
        ({"category_id": ""}, None),
        ({"category_id": "0"}, None),
        ({"category_id": "-1"}, None),
        ({"category_id": None}, None),
        ({"type": "complaint"}, "Choose the type of your topic."),
        ({"mood": "furious"}, "Choose one of the listed moods."),
    ],
)
def test_bad_topic_forms_are_form_errors(scene, changes, message):
    before = db_snapshot()

    response = scene["client"].post("/new", _topic_form(scene, **changes))

    assert response.status_code == 422
    errors = form_errors(response)
    assert errors and (message is None or message in errors), errors
    assert db_snapshot() == before


@pytest.mark.parametrize("text", ["nul \x00 byte", "\x00"])
def test_a_nul_byte_is_refused_not_a_500(scene, text):
    before = db_snapshot()

    for url, data in [
        ("/new", _topic_form(scene, body=text)),
        ("/new", _topic_form(scene, title=f"Title {text}")),
        (f"/t/{scene['topic'].id}/comments", {"body": text}),
        ("/settings", {"display_name": f"Name {text}", "locale": ""}),
    ]:
        response = scene["client"].post(url, data)
        assert 400 <= response.status_code < 500, url
    assert db_snapshot() == before


@pytest.mark.parametrize(
    "body, message",
    [
        ("", "This field is required."),
        ("   \n  ", "This field is required."),
        ("x" * 100_000, "Field cannot be longer than 20000 characters."),
    ],
)
def test_bad_comments_are_form_errors(scene, body, message):
    before = db_snapshot()

    response = scene["client"].post(f"/t/{scene['topic'].id}/comments", {"body": body})

    assert response.status_code == 422
    assert message in form_errors(response)
    assert db_snapshot() == before


@pytest.mark.parametrize(
    "comment_id, status",
    [
        ("foreign", 404),
        ("abc", 400),
        ("", 400),
        ("-1", 400),
        ("1.5", 400),
        (" 1", 400),
        (BIG, 400),
        (HUGE, 400),
        ("0", 404),
        ("²", 400),
        ("٣", 404),
    ],
)
def test_tampered_solution_ids_change_nothing(scene, comment_id, status):
    comment_id = str(scene["foreign"].id) if comment_id == "foreign" else comment_id
    before = db_snapshot()

    response = scene["client"].post(f"/t/{scene['topic'].id}/solution", {"comment_id": comment_id})

    assert response.status_code == status
    assert db_snapshot() == before


@pytest.mark.parametrize("status", ["solved", "planned", "", "OPEN", "x" * 10_000])
def test_invalid_statuses_change_nothing(scene, status):
    before = db_snapshot()

    response = scene["moderator"].post(f"/t/{scene['topic'].id}/status", {"status": status})

    assert response.status_code == 400
    assert db_snapshot() == before


@pytest.mark.parametrize(
    "url",
    [
        "/t/999999",
        "/t/999999-slug",
        f"/t/{HUGE}",
        f"/t/{HUGE}-slug",
        "/t/abc",
        "/t/-1",
        "/u/abc",
        "/u/999999",
        f"/u/{HUGE}",
        "/u/-1",
        f"/admin/users/{HUGE}",
        f"/admin/categories/{HUGE}",
        f"/admin/departments/{HUGE}",
        "/admin/users/999999",
    ],
)
def test_unknown_ids_in_urls_are_404(scene, url):
    assert scene["moderator"].get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        f"/t/{HUGE}/comments",
        f"/t/{HUGE}/vote",
        f"/t/{HUGE}/solution",
        f"/t/{HUGE}/status",
        "/t/999999/comments",
        "/t/999999/vote",
        "/t/999999/solution",
        "/t/999999/status",
    ],
)
def test_posts_to_unknown_topics_are_404(scene, url):
    before = db_snapshot()

    assert scene["moderator"].post(url, {"body": "Hello", "comment_id": "1", "status": "open"}).status_code == 404
    assert db_snapshot() == before


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=-5",
        f"page={HUGE}",
        "page=",
        "page=²",
        "category=abc",
        f"category={HUGE}",
        "category=-3",
        "category=²",
        "category=٣",
        "type=bogus&status=bogus",
        "type=idea&status=solved",
        "lang=xx",
        "tab=bogus",
    ],
)
def test_odd_list_parameters_still_give_a_page(scene, query):
    assert scene["client"].get(f"/?{query}").status_code == 200
    assert scene["client"].get(f"/u/{scene['topic'].author_id}?{query}").status_code == 200
    assert scene["client"].get(f"/search?q=card&{query}").status_code == 200


@pytest.mark.parametrize("subject_id", [int(HUGE), int(BIG), 2**31, 0, -1, "1", 1.5, True])
def test_tampered_event_subjects_are_400(client, subject_id):
    response = client.post_raw(
        "/api/v1/events",
        headers={"X-CSRFToken": client.csrf_token()},
        json={"event": "suggestion_clicked", "draft": "draft-tampered-1", "kind": "topic", "id": subject_id},
    )

    assert response.status_code == 400
    assert db_snapshot()["events"] == []


@pytest.mark.parametrize(
    "url, data",
    [
        (
            "/register",
            {
                "display_name": "x" * 100_000,
                "email": "a@test.example",
                "password": "violet-lantern-42",
                "password2": "violet-lantern-42",
            },
        ),
        (
            "/register",
            {
                "display_name": "Eve",
                "email": "x" * 100_000 + "@test.example",
                "password": "violet-lantern-42",
                "password2": "violet-lantern-42",
            },
        ),
        (
            "/register",
            {
                "display_name": "Eve",
                "email": "not an e-mail",
                "password": "violet-lantern-42",
                "password2": "violet-lantern-42",
            },
        ),
        ("/login", {"email": "x" * 100_000, "password": "whatever"}),
        ("/login", {"email": "customer@test.example", "password": "x" * 100_000}),
    ],
)
def test_bad_account_forms_are_form_errors(client, customer, url, data):
    before = db_snapshot()

    response = client.post(url, data)

    assert response.status_code == 422
    assert form_errors(response)
    assert db_snapshot() == before


@pytest.mark.parametrize(
    "data",
    [
        {"display_name": "", "locale": ""},
        {"display_name": "Carol", "locale": "xx"},
        {"display_name": "x" * 100_000, "locale": "en"},
    ],
)
def test_bad_settings_are_form_errors(scene, data):
    before = db_snapshot()

    response = scene["client"].post("/settings", data)

    assert response.status_code == 422
    assert form_errors(response)
    assert db_snapshot() == before
