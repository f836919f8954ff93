"""News: who writes it, who sees drafts, the pinned block on the community home, the page and the Atom feed."""

import io
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.news import services
from app.news.models import NewsPost
from tests.helpers import count_statements, db_snapshot, flashes, form_errors, page, page_text

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def writers(community, make_user):
    return {
        "admin": community["admin"],
        "marketing": make_user("marketing", "marketing@test.example", "Mila Marketing"),
    }


@pytest.fixture
def publish(writers):
    def make(
        title="New cashback programme",
        body="From **June** cashback is 5%.",
        pinned=False,
        publish=True,
        author="marketing",
    ):
        post = services.create_news(writers[author], title, body, is_pinned=pinned, publish=publish)
        db.session.commit()
        return post

    return make


def _form(**changes):
    data = {
        "title": "Branches closed on the holiday",
        "body": "All branches are closed on **May 9**.",
        "is_published": "y",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize("who", ["admin", "marketing"])
def test_admins_and_marketing_publish_news(client_as, writers, who):
    client = client_as(writers[who])

    response = client.post("/news/new", _form(is_pinned="y"))

    post = db.session.scalar(select(NewsPost))
    assert (
        response.status_code == 302
        and response.headers["Location"] == f"/news/{post.id}-branches-closed-on-the-holiday"
    )
    assert "The news is published." in flashes(client.get("/news/"))
    shown = page(client_as().get(response.headers["Location"]))
    assert shown.find("h1").text == "Branches closed on the holiday"
    assert shown.find("div", class_="body").find("strong").text == "May 9"
    assert (post.author_id, post.is_pinned, post.published_at is not None) == (writers[who].id, True, True)


@pytest.mark.parametrize("role", ["customer", "representative", "moderator"])
def test_nobody_else_writes_news(client_as, make_user, publish, role):
    post = publish()
    client = client_as(make_user(role))
    before = db_snapshot()
    assert client.get("/news/new").status_code == 404
    assert client.post("/news/new", _form()).status_code == 404
    assert client.post(f"/news/{post.id}/edit", _form()).status_code == 404
    assert db_snapshot() == before
    assert page(client.get(f"/news/{post.id}-{post.slug}")).find("a", href=f"/news/{post.id}/edit") is None


def test_anonymous_writers_are_asked_to_log_in(client_as):
    response = client_as().get("/news/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_news_form_needs_the_csrf_token(client_as, writers):
    before = db_snapshot()
    assert client_as(writers["admin"]).post_raw("/news/new", data=_form()).status_code == 400
    assert db_snapshot() == before


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"title": ""}, "This field is required."),
        ({"title": "x" * 300}, "Field must be between 3 and 200 characters long."),
        ({"title": "  ab  "}, "The title must be at least 3 characters long."),
        ({"body": ""}, "This field is required."),
        ({"body": "x" * 60000}, "Field cannot be longer than 50000 characters."),
    ],
)
def test_bad_news_is_a_form_error(client_as, writers, changes, message):
    before = db_snapshot()
    response = client_as(writers["marketing"]).post("/news/new", _form(**changes))
    assert response.status_code == 422
    assert message in form_errors(response)
    assert db_snapshot() == before


def test_markdown_images_render_and_scripts_do_not(publish, client_as):
    post = publish(
        body="![New card design](https://cdn.example.com/card.png)\n\n<script>alert(1)</script>"
        "\n\n[click](javascript:alert(2))"
    )
    body = page(client_as().get(f"/news/{post.id}-{post.slug}")).find("div", class_="body")
    image = body.find("img")
    assert (image.get("src"), image.get("alt")) == ("https://cdn.example.com/card.png", "New card design")
    assert body.find("script") is None
    assert all("javascript" not in (a.get("href") or "") for a in body.find_all("a"))


def test_drafts_are_seen_by_their_writers_only(publish, client_as, writers, customer):
    draft = publish(title="Upcoming tariff change", publish=False, pinned=True)
    url = f"/news/{draft.id}-{draft.slug}"

    for visitor in (client_as(), client_as(customer)):
        assert visitor.get(url).status_code == 404
        assert "Upcoming tariff change" not in page_text(visitor.get("/news/"))
        assert "Upcoming tariff change" not in page_text(visitor.get("/"))
        assert b"Upcoming tariff change" not in visitor.get("/news/feed.atom").data
    writer_view = client_as(writers["admin"])
    assert writer_view.get(url).status_code == 200
    assert "Draft" in page(writer_view.get("/news/")).find("ul", class_="news-list").text


def test_publishing_a_draft_and_unpublishing_again(publish, client_as, writers):
    draft = publish(publish=False)
    client = client_as(writers["marketing"])

    response = client.post(f"/news/{draft.id}/edit", _form(title="Cashback is 5% from June"))
    assert response.status_code == 302
    assert client_as().get(f"/news/{draft.id}-cashback-is-5-from-june").status_code == 200

    response = client.post(f"/news/{draft.id}/edit", _form(title="Cashback is 5% from June", is_published=None))
    assert "The draft is saved." in flashes(client.get("/news/"))
    assert client_as().get(f"/news/{draft.id}-cashback-is-5-from-june").status_code == 404


def test_old_and_missing_slugs_redirect_to_the_page(publish, client_as):
    post = publish()
    for url in (f"/news/{post.id}", f"/news/{post.id}-old-title"):
        response = client_as().get(url)
        assert response.status_code == 301 and response.headers["Location"] == f"/news/{post.id}-{post.slug}"
    assert client_as().get("/news/999999-nothing").status_code == 404


def test_pinned_news_shows_on_the_community_home(publish, client_as):
    publish(title="Not pinned at all")
    pinned = [publish(title=f"Pinned news {n}", pinned=True) for n in range(4)]

    block = page(client_as().get("/")).find("section", class_="pinned-news")

    titles = [
        a.text for a in block.find_all("a") if a.get("href", "").startswith("/news/") and a.get("href") != "/news/"
    ]
    assert titles == ["Pinned news 3", "Pinned news 2", "Pinned news 1"]  # newest three
    assert block.find("a", href=f"/news/{pinned[3].id}-{pinned[3].slug}") is not None


def test_no_pinned_news_no_block(publish, client_as):
    publish(title="Not pinned at all")
    assert page(client_as().get("/")).find("section", class_="pinned-news") is None


def test_the_nav_links_to_news(client_as):
    assert page(client_as().get("/")).find("a", href="/news/").text == "News"


@pytest.mark.parametrize("url", ["/", "/news/", "/news/feed.atom"])
def test_news_lists_cost_the_same_queries_for_1_and_15_posts(publish, client_as, writers, url):
    client = client_as()
    counts = []
    for n in (1, 15):
        while (have := db.session.scalar(select(func.count()).select_from(NewsPost))) < n:
            publish(title=f"News number {have + 1}", pinned=True, author="admin" if have % 2 else "marketing")
        client.get(url)
        with count_statements() as statements:
            assert client.get(url).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_the_atom_feed(publish, client_as, writers):
    older = publish(title="Older news <b>bold</b>", body="Hello & <welcome>")
    older.published_at -= timedelta(days=1)
    db.session.commit()
    newer = publish(title="Newer news", body="See ![map](https://cdn.example.com/map.png)")

    response = client_as().get("/news/feed.atom")

    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "http://localhost/news/feed.atom"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Newer news", "Older news <b>bold</b>"]
    first = entries[0]
    assert first.find(f"{ATOM}link").get("href") == f"http://localhost/news/{newer.id}-{newer.slug}"
    assert first.find(f"{ATOM}id").text == f"http://localhost/news/{newer.id}"
    assert first.find(f"{ATOM}content").get("type") == "html"
    assert '<img src="https://cdn.example.com/map.png" alt="map">' in first.find(f"{ATOM}content").text
    assert (
        entries[1].find(f"{ATOM}content").text.strip() == "<p>Hello &amp; &lt;welcome&gt;</p>"
    )  # escaped once more in the XML
    assert first.find(f"{ATOM}author").find(f"{ATOM}name").text == "Mila Marketing"
    assert first.find(f"{ATOM}published").text.endswith("Z")
    index = page(client_as().get("/news/"))
    assert index.find("link", type="application/atom+xml", href="http://localhost/news/feed.atom") is not None


def test_an_empty_feed_is_still_valid(client_as):
    feed = ET.fromstring(client_as().get("/news/feed.atom").data)
    assert feed.findall(f"{ATOM}entry") == [] and feed.find(f"{ATOM}updated").text == "1970-01-01T00:00:00Z"


def test_marketing_is_not_staff(client_as, writers, make_topic, community):
    hidden = make_topic(category=community["cards"])
    from app.community import services as community_services

    community_services.set_topic_hidden(community["moderator"], hidden, True)
    db.session.commit()
    assert client_as(writers["marketing"]).get(f"/t/{hidden.id}-{hidden.slug}").status_code == 404


def test_admins_can_give_the_marketing_role(client_as, community, customer):
    admin = client_as(community["admin"])
    assert page(admin.get(f"/admin/users/{customer.id}")).find("option", value="marketing").text == "Marketing"
    response = admin.post(f"/admin/users/{customer.id}", {"role": "marketing"})
    assert response.status_code == 302
    db.session.refresh(customer)
    assert customer.role == "marketing"
    assert client_as(customer).get("/news/new").status_code == 200


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def test_uploaded_images_follow_the_post_visibility(client_as, writers):
    writer = client_as(writers["marketing"])
    uploaded = writer.post_raw(
        "/uploads",
        data={"file": (io.BytesIO(_png()), "banner.png")},
        headers={"X-CSRFToken": writer.csrf_token(), "Accept": "application/json"},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 201, uploaded.get_data(as_text=True)
    image_url, markdown = uploaded.get_json()["url"], uploaded.get_json()["markdown"]

    assert writer.post("/news/new", _form(body=f"Our new branch:\n\n{markdown}", is_published=None)).status_code == 302
    post = db.session.scalar(select(NewsPost))
    assert client_as().get(image_url).status_code == 404  # a draft's image is not public yet

    assert writer.post(f"/news/{post.id}/edit", _form(body=f"Our new branch:\n\n{markdown}")).status_code == 302
    shown = client_as().get(image_url)
    shown.close()  # a file response
    assert shown.status_code == 200
    assert page(client_as().get(f"/news/{post.id}-{post.slug}")).find("img").get("src") == image_url
