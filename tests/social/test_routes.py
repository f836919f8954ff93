"""Staff import one post by hand; the topic page shows where it came from."""

import pytest
from sqlalchemy import func, select

from app.community.models import Topic
from app.extensions import db
from app.social.models import SocialImport
from tests.helpers import db_snapshot, flashes, form_errors, page

TWEET = "https://x.com/Marta_Travels/status/1790412345678901250"


def _form(community, **changes):
    data = {
        "url": TWEET,
        "handle": "",
        "name": "Marta K.",
        "text": "@examplebank my card was declined in Riga!",
        "posted_at": "2024-05-14T16:02",
        "category_id": str(community["cards"].id),
        "topic_type": "problem",
        "mood": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _topics() -> int:
    return db.session.scalar(select(func.count()).select_from(Topic))


@pytest.mark.parametrize("who", ["rep_private", "moderator", "admin"])
def test_staff_import_a_post_and_the_topic_shows_its_source(client_as, community, who):
    client = client_as(community[who])
    assert client.get("/social/import").status_code == 200

    response = client.post("/social/import", _form(community))

    record = db.session.scalar(select(SocialImport))
    topic = record.topic
    assert response.status_code == 302 and response.headers["Location"] == f"/t/{topic.id}-{topic.slug}"
    shown = page(client_as().get(response.headers["Location"]))
    source = shown.find("p", id="social-source")
    assert source.text.startswith("Imported from X · @marta_travels · original post")
    assert source.find("a", href="https://x.com/marta_travels").text == "@marta_travels"
    assert source.find("a", href=TWEET).get("rel") == "nofollow noopener ugc"
    assert shown.find("h1").text == "my card was declined in Riga!"
    assert "Marta K." in shown.find("article", id="topic").text
    assert (topic.type, topic.mood, record.imported_by_id) == ("problem", "upset", community[who].id)
    assert "The post is imported as a topic." in flashes(client.get("/"))


def test_importing_the_same_post_again_opens_the_first_topic(client_as, community):
    client = client_as(community["rep_private"])
    first = client.post("/social/import", _form(community))
    again = client.post(
        "/social/import", _form(community, url=TWEET.replace("x.com", "twitter.com") + "?s=20", text="different text")
    )

    assert again.status_code == 302 and again.headers["Location"] == first.headers["Location"]
    assert "This post was imported before: here is its topic." in flashes(client.get("/"))
    assert _topics() == 1


@pytest.mark.parametrize("who", ["customer", "marketing"])
def test_customers_and_marketing_cannot_import(client_as, community, customer, make_user, who):
    user = customer if who == "customer" else make_user("marketing")
    before = db_snapshot()
    client = client_as(user)
    assert client.get("/social/import").status_code == 404
    assert client.post("/social/import", _form(community)).status_code == 404
    assert db_snapshot() == before


def test_anonymous_visitors_are_sent_to_log_in(client_as):
    response = client_as().get("/social/import")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_import_form_needs_the_csrf_token(client_as, community):
    before = db_snapshot()
    response = client_as(community["rep_private"]).post_raw("/social/import", data=_form(community))
    assert response.status_code == 400
    assert db_snapshot() == before


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"url": ""}, "This field is required."),
        ({"url": "not a link"}, "Invalid URL."),
        ({"url": "https://example.com/post/1"}, "Paste a link to one post on X, VK, Facebook or Telegram."),
        ({"url": "javascript://x.com/a/status/1"}, "Invalid URL."),
        ({"url": "https://x.com/marta_travels"}, "Paste a link to one post on X, VK, Facebook or Telegram."),
        ({"url": "https://vk.com/wall-1_2"}, "Enter the author's handle."),
        ({"handle": "someone_else"}, "The link is to a post by @marta_travels."),
        (
            {"url": "https://vk.com/wall-1_2", "handle": "bad handle!"},
            "Enter the author's handle (letters, digits, “_”, “.” or “-”).",
        ),
        ({"text": "   "}, "This field is required."),
        ({"text": "x" * 10001}, "Field cannot be longer than 10000 characters."),
        ({"category_id": "0"}, "This field is required."),
        ({"category_id": "999999"}, "Not a valid choice."),
        ({"topic_type": "idea"}, "Not a valid choice."),
        ({"mood": "furious"}, "Not a valid choice."),
        ({"posted_at": "yesterday"}, "Not a valid datetime value."),
    ],
)
def test_bad_imports_are_form_errors(client_as, community, changes, message):
    before = db_snapshot()
    response = client_as(community["rep_private"]).post("/social/import", _form(community, **changes))
    assert response.status_code == 422
    assert message in form_errors(response)
    assert db_snapshot() == before


def test_a_vk_post_with_a_handle(client_as, community):
    response = client_as(community["rep_private"]).post(
        "/social/import",
        _form(
            community,
            url="https://m.vk.com/wall-12345_678",
            handle="@Ivan.Petrov",
            topic_type="question",
            mood="satisfied",
        ),
    )
    assert response.status_code == 302
    source = page(client_as().get(response.headers["Location"])).find("p", id="social-source")
    assert source.text.startswith("Imported from VK · @ivan.petrov")
    assert source.find("a", href="https://m.vk.com/wall-12345_678") is not None
    topic = db.session.scalar(select(Topic))
    assert (topic.type, topic.mood) == ("question", "satisfied")


def test_the_configured_category_is_preselected(app, client_as, community):
    app.config["SOCIAL_IMPORT_CATEGORY"] = "acquiring"
    form = page(client_as(community["rep_private"]).get("/social/import"))
    options = form.find("select", id="category_id").find_all("option")
    assert [o.get("value") for o in options if any(key == "selected" for key, _ in o.attrs)] == [
        str(community["acquiring"].id)
    ]


def test_topics_that_were_not_imported_show_no_source(client_as, make_topic, community):
    topic = make_topic(category=community["cards"])
    assert page(client_as().get(f"/t/{topic.id}-{topic.slug}")).find("p", id="social-source") is None


def test_staff_find_the_import_from_the_ask_page(client_as, community, customer):
    link = page(client_as(community["rep_private"]).get("/new")).find("a", href="/social/import")
    assert link is not None and "Import their post" in link.text
    assert page(client_as(customer).get("/new")).find("a", href="/social/import") is None
