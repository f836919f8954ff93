"""/robots.txt, /sitemap.xml (+ numbered parts), feeds; template helpers for meta tags and JSON-LD."""

import re
from html import unescape

from flask import Blueprint, Response, abort, current_app, request, stream_with_context, url_for

from app.seo import feeds, jsonld, queries, sitemap
from app.seo.text import excerpt, first_image, post_excerpt

bp = Blueprint("seo", __name__)

SITEMAP_MAX_AGE = 3600
FEED_MAX_AGE = 600
# Pages with nothing to index (forms, personal pages, result lists); only those whose endpoint exists.
ROBOTS_DISALLOW = (
    "auth.login",
    "auth.register",
    "auth.settings",
    "community.new_topic",
    "search.search_page",
    "kb.search",
    "admin.index",
    "staff.queues",
    "media.upload",
)
FEED_TYPES = {"atom": "application/atom+xml; charset=utf-8", "rss": "application/rss+xml; charset=utf-8"}


@bp.route("/robots.txt")
def robots():
    lines = ["User-agent: *"]
    for endpoint in ROBOTS_DISALLOW:
        if endpoint in current_app.view_functions:
            lines.append(f"Disallow: {url_for(endpoint)}")
    lines += ["Allow: /", "", f"Sitemap: {url_for('seo.sitemap_xml', _external=True)}", ""]
    response = Response("\n".join(lines), mimetype="text/plain")
    response.cache_control.public = True
    response.cache_control.max_age = SITEMAP_MAX_AGE
    return response


def _xml(chunks, max_age: int = SITEMAP_MAX_AGE) -> Response:
    response = Response(stream_with_context(chunks), mimetype="application/xml")
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    return response


@bp.route("/sitemap.xml")
def sitemap_xml():
    per_file = current_app.config["SITEMAP_MAX_URLS"]
    found = sitemap.sections()
    if sitemap.total_urls(found) <= per_file:
        return _xml(sitemap.full_urlset(found, per_file))
    return _xml(sitemap.sitemap_index(found, per_file))


@bp.route("/sitemap-<any(pages, topics, kb):section>-<int:number>.xml")
def sitemap_part(section: str, number: int):
    per_file = current_app.config["SITEMAP_MAX_URLS"]
    found = sitemap.find_section(section)
    if found is None or number < 1 or number > found.chunks(per_file):
        abort(404)
    return _xml(sitemap.urlset(found.entries((number - 1) * per_file, per_file)))


def _feed_response(feed, fmt: str) -> Response:
    response = Response(feeds.render(feed, fmt), mimetype=FEED_TYPES[fmt].split(";")[0])
    response.headers["Content-Type"] = FEED_TYPES[fmt]
    response.cache_control.public = True
    response.cache_control.max_age = FEED_MAX_AGE
    response.add_etag()
    return response.make_conditional(request)


@bp.route("/feeds/topics.<any(atom, rss):fmt>")
def topics_feed(fmt: str):
    return _feed_response(feeds.topics_feed("seo.topics_feed", fmt=fmt), fmt)


@bp.route("/feeds/categories/<int:category_id>.<any(atom, rss):fmt>")
def category_feed(category_id: int, fmt: str):
    category = queries.get_category(category_id)
    if category is None:
        abort(404)
    return _feed_response(feeds.topics_feed("seo.category_feed", category=category, fmt=fmt), fmt)


@bp.route("/feeds/kb.<any(atom, rss):fmt>")
def kb_feed(fmt: str):
    if not sitemap.kb_enabled():
        abort(404)
    return _feed_response(feeds.kb_feed("seo.kb_feed", fmt=fmt), fmt)


# --- template helpers (used by templates/seo/*.html) -----------------------------------------------------


def _feed_links() -> list[tuple[str, str, str]]:
    """(type, title, href) of the site-wide feeds, for <link rel="alternate"> autodiscovery."""
    from flask_babel import gettext as _

    links = [(FEED_TYPES["atom"].split(";")[0], _("New topics"), url_for("seo.topics_feed", fmt="atom"))]
    if sitemap.kb_enabled():
        links.append(
            (FEED_TYPES["atom"].split(";")[0], _("Knowledge base updates"), url_for("seo.kb_feed", fmt="atom"))
        )
    return links


@bp.app_context_processor
def _seo_helpers():
    return {
        "seo_topic_is_public": jsonld.topic_is_public,
        "seo_topic_jsonld": jsonld.topic_jsonld,
        "seo_article_jsonld": jsonld.article_jsonld,
        "seo_faq_jsonld": jsonld.faq_jsonld,
        "seo_excerpt": excerpt,
        "seo_post_excerpt": post_excerpt,
        "seo_first_image": lambda html: first_image(html, url_for("community.home", _external=True).rstrip("/")),
        "seo_feed_links": _feed_links,
        "seo_meta_content": _meta_content,
    }


def _meta_content(html: str, name: str) -> str:
    """The content of <meta name="..."> in a page's own meta block (to reuse its description for og:)."""
    match = re.search(rf'<meta name="{re.escape(name)}" content="([^"]*)"', str(html or ""))
    return unescape(match.group(1)) if match else ""
