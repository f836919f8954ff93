"""Moderation through the pages moderators use, and what everybody else sees afterwards."""

import pytest
from sqlalchemy import func, select

from app.community import services as community
from app.community.models import Comment, Topic
from app.extensions import db
from app.moderation import services
from tests.helpers import count_statements, db_snapshot, flashes, form_errors, page, page_text


def _url(topic) -> str:
    return f"/t/{topic.id}-{topic.slug}"


ROUTES = [
    ("post", "/t/{id}/close"),
    ("post", "/t/{id}/reopen"),
    ("get", "/t/{id}/move"),
    ("post", "/t/{id}/move"),
    ("get", "/t/{id}/merge"),
    ("post", "/t/{id}/merge"),
]


@pytest.mark.parametrize("method, route", ROUTES)
@pytest.mark.parametrize("who", ["customer", "rep_private", "marketing", "author"])
def test_moderation_is_404_for_everyone_but_moderators(scene, client_as, make_user, method, route, who):
    user = {"marketing": lambda: make_user("marketing"), "author": lambda: scene["other"]}.get(
        who, lambda: scene[who]
    )()
    client = client_as(user)
    before = db_snapshot()

    response = getattr(client, method)(
        route.format(id=scene["duplicate"].id),
        **(
            {
                "data": {
                    "target": str(scene["original"].id),
                    "confirmed": "1",
                    "category_id": str(scene["acquiring"].id),
                    "type": "idea",
                }
            }
            if method == "post"
            else {}
        ),
    )

    assert response.status_code == 404
    assert db_snapshot() == before


@pytest.mark.parametrize("method, route", ROUTES)
def test_anonymous_visitors_are_sent_to_log_in(scene, client_as, method, route):
    response = getattr(client_as(), method)(route.format(id=scene["duplicate"].id))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("route", ["/t/{id}/close", "/t/{id}/merge", "/t/{id}/move"])
def test_moderation_posts_need_the_csrf_token(scene, client_as, route):
    before = db_snapshot()
    response = client_as(scene["moderator"]).post_raw(
        route.format(id=scene["duplicate"].id),
        data={"target": str(scene["original"].id), "confirmed": "1", "category_id": str(scene["acquiring"].id)},
    )
    assert response.status_code == 400
    assert db_snapshot() == before


def test_the_panel_is_shown_to_moderators_only(scene, client_as):
    topic_url = _url(scene["original"])
    moderator_page = page(client_as(scene["moderator"]).get(topic_url))
    assert moderator_page.find("section", id="moderation") is not None
    assert moderator_page.find("form", action=f"/t/{scene['original'].id}/close") is not None
    for user in (scene["rep_private"], scene["customer"], None):
        assert page(client_as(user).get(topic_url)).find("section", id="moderation") is None


def test_closing_shows_the_mark_and_removes_the_answer_form(scene, client_as):
    moderator, topic = client_as(scene["moderator"]), scene["original"]

    response = moderator.post(f"/t/{topic.id}/close")

    assert response.status_code == 302 and response.headers["Location"] == _url(topic)
    customer = client_as(scene["customer"])
    shown = page(customer.get(_url(topic)))
    assert shown.find("span", id="topic-closed").text == "Closed"
    assert shown.find("form", class_="comment-form") is None
    assert shown.find(id="answer").text == "This topic is closed to new answers."
    assert "Closed" in page(customer.get("/")).find("ul", class_="topic-list").text

    before = db_snapshot()
    refused = customer.post(f"/t/{topic.id}/comments", {"body": "Still broken!"})
    assert refused.status_code == 422
    assert page(refused).find(id="answer").text == "This topic is closed to new answers."
    assert db_snapshot() == before

    reopened = moderator.post(f"/t/{topic.id}/reopen", follow_redirects=True)
    assert "The topic is open for answers again." in flashes(reopened)
    assert customer.post(f"/t/{topic.id}/comments", {"body": "Still broken!"}).status_code == 302


def test_moving_to_another_category_changes_the_responsible_department(scene, client_as):
    moderator, topic = client_as(scene["moderator"]), scene["original"]
    form = page(moderator.get(f"/t/{topic.id}/move"))
    assert form.find("option", value=str(scene["acquiring"].id)).text == "Acquiring (Business)"

    response = moderator.post(
        f"/t/{topic.id}/move", {"category_id": str(scene["acquiring"].id), "type": "idea"}, follow_redirects=True
    )

    assert "The topic is moved. Business is responsible for it now." in flashes(response)
    text = page_text(client_as(scene["customer"]).get(_url(topic)))
    assert "Category: Acquiring" in text and "Responsible: Business" in text
    assert "Idea" in text and "New" in text  # "open" does not exist for ideas: the first idea status
    history = page(moderator.get(_url(topic))).find("ul", class_="moderation-history").text
    assert "moved from Cards (Problem) to Acquiring (Idea)" in history and "Mona Moderator" in history


@pytest.mark.parametrize(
    "data, message",
    [
        ({"category_id": "999999", "type": "problem"}, "Not a valid choice."),
        ({"category_id": "abc", "type": "problem"}, None),
        ({"category_id": "{cards}", "type": "complaint"}, "Not a valid choice."),
        ({"category_id": "{cards}", "type": "problem"}, "Choose another category or another type."),
    ],
)
def test_bad_moves_are_form_errors(scene, client_as, data, message):
    data = {key: value.format(cards=scene["cards"].id) for key, value in data.items()}
    before = db_snapshot()

    response = client_as(scene["moderator"]).post(f"/t/{scene['original'].id}/move", data)

    assert response.status_code == 422
    assert form_errors(response) and (message is None or message in form_errors(response))
    assert db_snapshot() == before


def test_merge_asks_first_then_merges(scene, client_as, make_user):
    original, duplicate = scene["original"], scene["duplicate"]
    voter = make_user()
    community.toggle_vote(voter, duplicate)
    community.post_comment(scene["rep_private"], duplicate, "Please call us about the Riga payment.")
    db.session.commit()
    moderator = client_as(scene["moderator"])

    confirm = moderator.post(f"/t/{duplicate.id}/merge", {"target": f"http://localhost{_url(original)}"})

    assert confirm.status_code == 200
    summary = page(confirm).find("dl", class_="merge-summary").text
    assert duplicate.title in summary and original.title in summary
    assert db.session.scalar(select(Topic.merged_into_id).where(Topic.id == duplicate.id)) is None

    done = moderator.post(f"/t/{duplicate.id}/merge", {"target": str(original.id), "confirmed": "1"})

    assert done.status_code == 302 and done.headers["Location"] == _url(original)
    original_page = client_as(scene["customer"]).get(_url(original))
    assert "Merged into this topic; 2 votes moved here." in flashes(moderator.get(_url(original)))
    assert "2 people have this problem too" in page_text(original_page)
    also = page(original_page).find("section", class_="merged-duplicates")
    assert also.find("a", href=_url(duplicate)).text == duplicate.title

    duplicate_page = page(client_as(voter).get(_url(duplicate)))
    notice = duplicate_page.find("p", id="merged-notice")
    assert notice.text == f"This topic was merged into “{original.title}”. Answer and vote there."
    assert notice.find("a").get("href") == _url(original)
    assert "Please call us about the Riga payment." in duplicate_page.text  # the answers stay readable
    assert duplicate_page.find("form", class_="vote") is None
    assert duplicate_page.find("form", class_="comment-form") is None
    assert "Merged" in page(client_as().get("/")).find("ul", class_="topic-list").text


@pytest.mark.parametrize(
    "target, message",
    [
        ("", "This field is required."),
        ("the other one", "Enter the topic's number or paste its link."),
        ("https://example.com/about", "Enter the topic's number or paste its link."),
        ("999999", "There is no topic with this number."),
        ("99999999999999999999", "Enter the topic's number or paste its link."),
        ("self", "A topic cannot be merged into itself."),
        ("deleted", "There is no topic with this number."),
    ],
)
def test_bad_merge_targets_are_form_errors(scene, client_as, target, message):
    duplicate = scene["duplicate"]
    if target == "deleted":
        community.delete_topic(scene["customer"], scene["original"])
        db.session.commit()
        target = str(scene["original"].id)
    target = str(duplicate.id) if target == "self" else target
    before = db_snapshot()

    response = client_as(scene["moderator"]).post(f"/t/{duplicate.id}/merge", {"target": target, "confirmed": "1"})

    assert response.status_code == 422
    assert message in form_errors(response)
    assert db_snapshot() == before


def test_the_merge_page_offers_similar_topics(scene, client_as):
    response = client_as(scene["moderator"]).get(f"/t/{scene['duplicate'].id}/merge")
    assert response.status_code == 200
    candidates = page(response).find("ul", class_="merge-candidates")
    assert candidates is not None
    assert [a.text for a in candidates.find_all("a")] == [scene["original"].title]


def test_a_merged_duplicate_leaves_search_and_makes_the_original_findable(scene, client_as):
    moderator = client_as(scene["moderator"])
    assert (
        moderator.post(
            f"/t/{scene['duplicate'].id}/merge", {"target": str(scene["original"].id), "confirmed": "1"}
        ).status_code
        == 302
    )

    found = client_as(scene["customer"]).get("/api/v1/suggest", query_string={"title": "Riga airport shop refused"})
    assert [item["id"] for item in found.get_json()] == [scene["original"].id]


def test_a_moderators_edit_shows_who_edited(scene, client_as):
    topic = scene["original"]
    response = client_as(scene["moderator"]).post(
        f"/t/{topic.id}/edit", {"title": topic.title, "body": "Declined in Riga and Vilnius airports."}
    )
    assert response.status_code == 302
    edited = page(client_as().get(_url(topic))).find("span", class_="edited")
    assert edited.text.startswith("edited by Mona Moderator")


def test_the_authors_immediate_fix_shows_no_mark(scene, client_as):
    topic = scene["original"]
    client_as(scene["customer"]).post(f"/t/{topic.id}/edit", {"title": topic.title, "body": "Typo fixed."})
    assert page(client_as().get(_url(topic))).find("span", class_="edited") is None


def test_the_original_lists_its_duplicates_in_a_fixed_number_of_queries(scene, client_as, make_topic):
    client = client_as(scene["moderator"])
    counts = []
    for n in (2, 12):
        while (
            db.session.scalar(
                select(func.count()).select_from(Topic).where(Topic.merged_into_id == scene["original"].id)
            )
            < n
        ):
            extra = make_topic(topic_type="problem", category=scene["cards"])
            community.post_comment(scene["rep_private"], extra, "Same as the other one.")
            services.merge_topic(scene["moderator"], extra, scene["original"])
            db.session.commit()
        client.get(_url(scene["original"]))
        with count_statements() as statements:
            response = client.get(_url(scene["original"]))
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]
    assert len(page(response).find("section", class_="merged-duplicates").find_all("li")) == 12
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 12
