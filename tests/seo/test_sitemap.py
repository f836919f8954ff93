"""/sitemap.xml and /robots.txt as a crawler reads them: valid, complete, and never listing what is not public."""

import time
from datetime import datetime, timedelta

import pytest
from sqlalchemy import insert

from app.community import services as community_services
from app.community.models import Topic
from app.extensions import db
from tests.helpers import count_statements
from tests.seo.helpers import lastmods, locs, valid_sitemap


def topic_url(topic) -> str:
    return f"http://localhost/t/{topic.id}-{topic.slug}"


def article_url(article) -> str:
    return f"http://localhost/kb/{article.id}-{article.slug}"


@pytest.fixture
def content(make_topic, make_article, make_user, community):
    """Public and non-public topics and articles."""
    author = make_user()
    public = make_topic(author=author, title="Как перевести деньги на карту?", category=community["cards"])
    idea = make_topic(
        author=author, topic_type="idea", title="Dark mode in the app", mood=None, category=community["acquiring"]
    )
    private = make_topic(
        author=author, title="My account number is private", is_private=True, category=community["cards"]
    )
    hidden = make_topic(author=author, title="A hidden spam topic", category=community["cards"])
    community_services.set_topic_hidden(community["moderator"], hidden, True)
    deleted = make_topic(author=author, title="A topic the author deleted", category=community["cards"])
    community_services.delete_topic(author, deleted)
    db.session.commit()
    published = make_article(title="Как заблокировать карту", category=community["cards"])
    draft = make_article(title="Draft about new tariffs", category=community["cards"], publish=False)
    return {
        "public": public,
        "idea": idea,
        "private": private,
        "hidden": hidden,
        "deleted": deleted,
        "published": published,
        "draft": draft,
    }


def test_sitemap_lists_public_topics_and_published_articles_only(app, client, content):
    document = valid_sitemap(client.get("/sitemap.xml"))
    assert document.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    urls = locs(document)
    assert urls == [
        "http://localhost/",
        "http://localhost/kb/",
        "http://localhost/c/acquiring",
        "http://localhost/c/cards",
        topic_url(content["public"]),
        topic_url(content["idea"]),
        article_url(content["published"]),
    ]
    assert "http://localhost/t/1-kak-perevesti-dengi-na-kartu" in urls  # transliterated Cyrillic slug
    assert "http://localhost/kb/1-kak-zablokirovat-kartu" in urls


def test_sitemap_excludes_each_kind_of_non_public_item(app, client, content):
    text = client.get("/sitemap.xml").get_data(as_text=True)
    for key in ("private", "hidden", "deleted"):
        assert topic_url(content[key]) not in text
        assert f"/t/{content[key].id}-" not in text
    assert f"/kb/{content['draft'].id}-" not in text


def test_merged_duplicates_are_left_to_their_original(app, client, make_topic, community):
    if not hasattr(Topic, "merged_into_id"):
        pytest.skip("topics cannot be merged in this build")
    original = make_topic(title="How do I order a new card?", category=community["cards"])
    duplicate = make_topic(title="Ordering a new card, how?", category=community["cards"])
    duplicate.merged_into_id = original.id
    db.session.commit()
    urls = locs(valid_sitemap(client.get("/sitemap.xml")))
    assert topic_url(original) in urls and topic_url(duplicate) not in urls


def test_lastmod_is_the_last_activity(app, client, make_topic, make_user, community):
    topic = make_topic(category=community["cards"])
    topic.last_activity_at = topic.updated_at = datetime(2024, 3, 1, 9, 0, 0)
    db.session.commit()
    community_services.post_comment(make_user(), topic, "Same here.")
    db.session.commit()
    activity = topic.last_activity_at
    assert activity > datetime(2024, 3, 2)
    # The comment's flush stamps updated_at a moment after last_activity_at; the two can fall
    # either side of a second, and the sitemap shows the later of them.
    latest = max(activity, topic.updated_at)
    found = lastmods(valid_sitemap(client.get("/sitemap.xml")))
    assert found[topic_url(topic)] == latest.replace(microsecond=0).isoformat() + "+00:00"
    assert found["http://localhost/"] == activity.replace(microsecond=0).isoformat() + "+00:00"  # activity only


def test_empty_site_has_a_valid_sitemap(app, client):
    document = valid_sitemap(client.get("/sitemap.xml"))
    assert locs(document)[0] == "http://localhost/"


def test_past_the_limit_the_sitemap_becomes_an_index(app, client, content, make_topic, community):
    app.config["SITEMAP_MAX_URLS"] = 2
    extra = [make_topic(category=community["cards"]) for _ in range(2)]
    index = valid_sitemap(client.get("/sitemap.xml"))
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    parts = locs(index)
    assert parts == [
        "http://localhost/sitemap-pages-1.xml",
        "http://localhost/sitemap-pages-2.xml",
        "http://localhost/sitemap-topics-1.xml",
        "http://localhost/sitemap-topics-2.xml",
        "http://localhost/sitemap-kb-1.xml",
    ]
    assert all(lastmod for lastmod in lastmods(index).values())
    seen = []
    for part in parts:
        urls = locs(valid_sitemap(client.get(part.removeprefix("http://localhost"))))
        assert 1 <= len(urls) <= 2
        seen += urls
    assert seen == [
        "http://localhost/",
        "http://localhost/kb/",
        "http://localhost/c/acquiring",
        "http://localhost/c/cards",
        topic_url(content["public"]),
        topic_url(content["idea"]),
        topic_url(extra[0]),
        topic_url(extra[1]),
        article_url(content["published"]),
    ]
    for missing in ("/sitemap-topics-3.xml", "/sitemap-topics-0.xml", "/sitemap-kb-2.xml", "/sitemap-other-1.xml"):
        assert client.get(missing).status_code == 404, missing


def test_sitemap_queries_do_not_grow_with_the_number_of_topics(app, client, make_topic, make_user, community):
    author = make_user()
    for _ in range(3):
        make_topic(author=author, category=community["cards"])
    with count_statements() as few:
        client.get("/sitemap.xml").get_data()
    for _ in range(30):
        make_topic(author=author, category=community["cards"])
    with count_statements() as many:
        assert len(locs(valid_sitemap(client.get("/sitemap.xml")))) == 2 + 2 + 33  # home, kb, 2 categories
    assert len(many) == len(few) <= 12, many


def _bulk_topics(count: int, author_id: int, category) -> None:
    now = datetime(2024, 1, 1)
    rows = [
        {
            "type": "question",
            "title": f"Вопрос номер {n} про карту",
            "body": "",
            "body_html": "",
            "status": "open",
            "author_id": author_id,
            "category_id": category.id,
            "department_id": category.department_id,
            "created_at": now,
            "updated_at": now,
            "last_activity_at": now + timedelta(minutes=n),
        }
        for n in range(count)
    ]
    for start in range(0, count, 5000):
        db.session.execute(insert(Topic), rows[start : start + 5000])
    db.session.commit()


def test_fifty_thousand_topics_split_into_an_index(app, client, make_user, community):
    """The protocol's real limit: 50,000 topics + the home page + the KB index need two topic files."""
    _bulk_topics(50_000, make_user().id, community["cards"])
    started = time.perf_counter()
    with count_statements() as statements:
        index = valid_sitemap(client.get("/sitemap.xml"))
        parts = locs(index)
        first = client.get("/sitemap-topics-1.xml")
        body = first.get_data()
    elapsed = time.perf_counter() - started
    assert parts == ["http://localhost/sitemap-pages-1.xml", "http://localhost/sitemap-topics-1.xml"]
    assert len(statements) <= 20, len(statements)
    assert body.count(b"<url>") == 50_000 and len(body) < 50 * 1024 * 1024  # the protocol's size limit
    assert b"/t/1-vopros-nomer-0-pro-kartu</loc>" in body
    assert elapsed < 30, f"sitemap for 50,000 topics took {elapsed:.1f}s"


def test_robots_points_to_the_sitemap(app, client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "User-agent: *"
    assert "Sitemap: http://localhost/sitemap.xml" in lines
    disallowed = {line.split(": ", 1)[1] for line in lines if line.startswith("Disallow: ")}
    assert {"/login", "/register", "/new", "/search", "/uploads"} <= disallowed
    assert not any(path in ("/", "/t/", "/kb/", "/media/") for path in disallowed)


def test_robots_follows_the_proxy_host(app, client):
    response = client.get("/robots.txt", base_url="https://support.bank.example")
    assert "Sitemap: https://support.bank.example/sitemap.xml" in response.get_data(as_text=True).splitlines()


def test_sitemap_lists_the_news_and_its_published_posts(app, client, community):
    from app.news import services as news_services

    admin = community["admin"]
    post = news_services.create_news(admin, "Новое приложение", "Вышла новая версия приложения.")
    news_services.create_news(admin, "Черновик новости", "Ещё не опубликовано.", publish=False)
    db.session.commit()
    urls = locs(valid_sitemap(client.get("/sitemap.xml")))
    assert "http://localhost/news/" in urls
    assert f"http://localhost/news/{post.id}-{post.slug}" in urls
    assert not [url for url in urls if "chernovik" in url]
