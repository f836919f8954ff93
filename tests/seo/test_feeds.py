"""Atom and RSS feeds as a feed reader reads them: well-formed, public content only, absolute links."""

from datetime import datetime

import pytest
from lxml import etree

from app.community import services as community_services
from app.extensions import db

ATOM = "{http://www.w3.org/2005/Atom}"


def atom(response):
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = etree.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.findtext(f"{ATOM}{required}"), required
    assert feed.find(f"{ATOM}link[@rel='self']").get("href").startswith("http://localhost/feeds/")
    for entry in feed.findall(f"{ATOM}entry"):
        for required in ("id", "title", "updated", "published"):
            assert entry.findtext(f"{ATOM}{required}"), required
        assert entry.findtext(f"{ATOM}author/{ATOM}name")
        datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
    return feed


def titles(feed) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")]


@pytest.fixture
def topics(make_topic, customer, community):
    first = make_topic(
        author=customer,
        title="First public topic",
        category=community["cards"],
        body="See ![screen](/media/" + "c" * 32 + ".png) and [help](/kb/)",
    )
    second = make_topic(author=customer, title="Business topic", category=community["acquiring"])
    private = make_topic(author=customer, title="Private topic", is_private=True, category=community["cards"])
    hidden = make_topic(author=customer, title="Hidden topic", category=community["cards"])
    community_services.set_topic_hidden(community["moderator"], hidden, True)
    deleted = make_topic(author=customer, title="Deleted topic", category=community["cards"])
    community_services.delete_topic(customer, deleted)
    db.session.commit()
    return {"first": first, "second": second, "private": private}


def test_new_topics_feed_lists_public_topics_newest_first(app, client, topics):
    feed = atom(client.get("/feeds/topics.atom"))
    assert titles(feed) == ["Business topic", "First public topic"]
    entry = feed.findall(f"{ATOM}entry")[1]
    first = topics["first"]
    assert entry.find(f"{ATOM}link").get("href") == f"http://localhost/t/{first.id}-{first.slug}"
    assert entry.findtext(f"{ATOM}id").startswith("tag:localhost,") and entry.findtext(f"{ATOM}id").endswith(
        f":topic/{first.id}"
    )
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "html"
    assert f'src="http://localhost/media/{"c" * 32}.png"' in content.text
    assert 'href="http://localhost/kb/"' in content.text


def test_category_feed(app, client, topics, community):
    feed = atom(client.get(f"/feeds/categories/{community['acquiring'].id}.atom"))
    assert titles(feed) == ["Business topic"]
    assert "Acquiring" in feed.findtext(f"{ATOM}title")
    assert atom(client.get(f"/feeds/categories/{community['cards'].id}.atom")) is not None
    assert client.get("/feeds/categories/9999.atom").status_code == 404
    assert client.get(f"/feeds/categories/{community['cards'].id}.json").status_code == 404


def test_rss_feed(app, client, topics):
    response = client.get("/feeds/topics.rss")
    assert response.headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    rss = etree.fromstring(response.data)
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    channel = rss.find("channel")
    for required in ("title", "link", "description"):
        assert channel.findtext(required), required
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["Business topic", "First public topic"]
    assert items[0].findtext("pubDate").endswith(" GMT")
    assert "Private topic" not in response.get_data(as_text=True)


def test_kb_feed_lists_published_articles(app, client, make_article, community):
    published = make_article(title="How to block a card", category=community["cards"])
    make_article(title="Unpublished draft", category=community["cards"], publish=False)
    feed = atom(client.get("/feeds/kb.atom"))
    assert titles(feed) == ["How to block a card"]
    entry = feed.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}link").get("href") == f"http://localhost/kb/{published.id}-{published.slug}"
    assert client.get("/feeds/kb.rss").status_code == 200


def test_feeds_are_cacheable_and_conditional(app, client, topics):
    first = client.get("/feeds/topics.atom")
    assert "public" in first.headers["Cache-Control"]
    again = client.get("/feeds/topics.atom", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_control_characters_never_break_the_xml(app, client, make_topic, customer, community):
    make_topic(
        author=customer, title="Bell \x07 and escape \x1b in a title", body="text \x01\x02", category=community["cards"]
    )
    feed = atom(client.get("/feeds/topics.atom"))
    assert titles(feed)[0].startswith("Bell")
    etree.fromstring(client.get("/feeds/topics.rss").data)


def test_feed_empty_site(app, client):
    feed = atom(client.get("/feeds/topics.atom"))
    assert titles(feed) == []
