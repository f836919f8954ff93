"""Atom 1.0 (RFC 4287) and RSS 2.0 feeds: new public topics (all, or one category) and knowledge-base updates.

Entries carry the sanitised HTML of the post with root-relative links made absolute, since feed readers
show them outside the site. Entry ids are tag: URIs (RFC 4151) that stay the same when a title (and so
the slug) changes.
"""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app, render_template, url_for
from flask_babel import gettext as _

from app.branding import current_brand
from app.common.db import utcnow
from app.seo import jsonld, queries
from app.seo.text import absolute_urls, iso, rfc822_date, xml_text


@dataclass
class FeedEntry:
    id: str
    title: str
    url: str
    published: datetime
    updated: datetime
    author: str
    category: str
    html: str

    @property
    def published_iso(self) -> str:
        return iso(self.published)

    @property
    def updated_iso(self) -> str:
        return iso(self.updated)

    @property
    def published_rfc822(self) -> str:
        return rfc822_date(self.published)


@dataclass
class Feed:
    title: str
    subtitle: str
    self_url: str
    alternate_url: str
    entries: list[FeedEntry]

    @property
    def updated(self) -> datetime:
        return max((e.updated for e in self.entries), default=None) or utcnow()

    @property
    def updated_iso(self) -> str:
        return iso(self.updated)

    @property
    def updated_rfc822(self) -> str:
        return rfc822_date(self.updated)


def _root() -> str:
    return url_for("community.home", _external=True).rstrip("/")


def _tag(kind: str, item_id: int, created: datetime) -> str:
    host = urlsplit(_root()).hostname or "localhost"
    return f"tag:{host},{created:%Y-%m-%d}:{kind}/{item_id}"


def _topic_entry(topic) -> FeedEntry:
    return FeedEntry(
        id=_tag("topic", topic.id, topic.created_at),
        title=xml_text(topic.title),
        url=jsonld.topic_url(topic),
        published=topic.created_at,
        updated=getattr(topic, "edited_at", None) or topic.created_at,
        author=xml_text(topic.author.display_name),
        category=xml_text(topic.category.name),
        html=xml_text(absolute_urls(topic.body_html, _root())),
    )


def _article_entry(article) -> FeedEntry:
    published = article.published_at or article.created_at
    return FeedEntry(
        id=_tag("article", article.id, article.created_at),
        title=xml_text(article.title),
        url=jsonld.article_url(article),
        published=published,
        updated=jsonld.article_modified(article),
        author=xml_text(current_brand().name),
        category=xml_text(article.category.name),
        html=xml_text(absolute_urls(article.body_html, _root())),
    )


def topics_feed(self_endpoint: str, fmt: str, category=None) -> Feed:
    limit = current_app.config["FEED_ITEMS"]
    topics = queries.newest_topics(limit, category.id if category else None)
    name = xml_text(current_brand().name)
    if category is None:
        return Feed(
            title=_("%(name)s: new topics", name=name),
            subtitle=_("Questions, problems, ideas and praise from our customers."),
            self_url=url_for(self_endpoint, fmt=fmt, _external=True),
            alternate_url=url_for("community.home", _external=True),
            entries=[_topic_entry(t) for t in topics],
        )
    return Feed(
        title=xml_text(_("%(name)s: new topics in %(category)s", name=name, category=category.name)),
        subtitle=xml_text(category.description or category.name),
        self_url=url_for(self_endpoint, category_id=category.id, fmt=fmt, _external=True),
        alternate_url=url_for("community.category_page", slug=category.slug, _external=True),
        entries=[_topic_entry(t) for t in topics],
    )


def kb_feed(self_endpoint: str, fmt: str) -> Feed:
    articles = queries.recently_changed_articles(current_app.config["FEED_ITEMS"])
    return Feed(
        title=xml_text(_("%(name)s: knowledge base updates", name=current_brand().name)),
        subtitle=_("New and updated answers from our official representatives."),
        self_url=url_for(self_endpoint, fmt=fmt, _external=True),
        alternate_url=url_for("kb.index", _external=True),
        entries=[_article_entry(a) for a in articles],
    )


def render(feed: Feed, fmt: str) -> str:
    template = "seo/feed.atom.xml" if fmt == "atom" else "seo/feed.rss.xml"
    return render_template(template, feed=feed)
