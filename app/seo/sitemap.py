"""Sitemaps (https://www.sitemaps.org/protocol.html).

/sitemap.xml is a single <urlset> while the site has at most SITEMAP_MAX_URLS (50,000, the protocol's
limit) public URLs; past that it becomes a <sitemapindex> listing /sitemap-pages-1.xml,
/sitemap-topics-<n>.xml and /sitemap-kb-<n>.xml, each with at most SITEMAP_MAX_URLS URLs. The numbered
files are served in both modes. Rows are streamed from the database in batches and written as they come,
so a sitemap of 50,000 topics costs a handful of queries and little memory.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from xml.sax.saxutils import escape

from flask import current_app, url_for

from app.community.models import Topic
from app.seo import queries
from app.seo.text import iso

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_WRITE_EVERY = 500
_ID, _SLUG = 2147483647, "slug-placeholder"

Entry = tuple[str, str | None]  # (loc, lastmod)


def _url_builder(endpoint: str, id_arg: str, slug_of: Callable) -> Callable:
    """A fast URL maker for id+slug pages: url_for once, then string formatting for each row."""
    template = url_for(endpoint, **{id_arg: _ID}, slug=_SLUG, _external=True)
    head, tail = template.split(str(_ID), 1)
    middle, end = tail.split(_SLUG, 1)
    return lambda row: f"{head}{row.id}{middle}{slug_of(row)}{end}"


def _later(*values):
    present = [v for v in values if v is not None]
    return max(present) if present else None


def _topic_entries(offset: int, limit: int) -> Iterator[Entry]:
    make_url = _url_builder("community.topic", "topic_id", Topic.slug.fget)
    for row in queries.topic_rows(offset, limit):
        yield make_url(row), iso(_later(row.updated_at, row.last_activity_at))


def _article_entries(offset: int, limit: int) -> Iterator[Entry]:
    from app.kb.models import Article

    make_url = _url_builder("kb.article", "article_id", Article.slug.fget)
    for row in queries.article_rows(offset, limit):
        yield make_url(row), iso(_later(row.edited_at, row.published_at))


def kb_enabled() -> bool:
    """The knowledge base is optional: its URLs and feed exist only when app.kb is installed and routed."""
    return queries.has_articles() and {"kb.article", "kb.index"} <= current_app.view_functions.keys()


def _news_entries() -> list[Entry]:
    """The news index and each published post (news is optional: nothing when app.news is not routed)."""
    if not {"news.index", "news.post"} <= current_app.view_functions.keys():
        return []
    from app.news import queries as news_queries

    posts = news_queries.published_for_sitemap(current_app.config["SITEMAP_MAX_URLS"] - 2)
    if not posts:
        return []
    entries = [(url_for("news.index", _external=True), iso(posts[0][2]))]
    return entries + [
        (url_for("news.post", post_id=post_id, slug=slug, _external=True), iso(changed))
        for post_id, slug, changed in posts
    ]


def _page_entries() -> list[Entry]:
    """The list pages worth indexing: the community's front page, the knowledge base's, and the news."""
    pages = [(url_for("community.home", _external=True), iso(queries.latest_topic_activity()))]
    if kb_enabled():
        pages.append((url_for("kb.index", _external=True), iso(queries.latest_article_change())))
    from app.community.models import Category

    pages += [
        (url_for("community.category_page", slug=Category(id=category_id, name=name).slug, _external=True), iso(latest))
        for category_id, name, latest in queries.category_pages()
    ]
    return pages + _news_entries()


@dataclass
class Section:
    name: str
    count: int
    entries: Callable[[int, int], Iterable[Entry]]

    def chunks(self, per_file: int) -> int:
        return -(-self.count // per_file)


def sections() -> list[Section]:
    pages = _page_entries()
    found = [
        Section("pages", len(pages), lambda offset, limit: pages[offset : offset + limit]),
        Section("topics", queries.count_public_topics(), _topic_entries),
    ]
    if kb_enabled():
        found.append(Section("kb", queries.count_published_articles(), _article_entries))
    return found


def total_urls(found: list[Section]) -> int:
    return sum(section.count for section in found)


def urlset(entries: Iterable[Entry]) -> Iterator[str]:
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{NS}">\n'
    buffer: list[str] = []
    for loc, lastmod in entries:
        item = f"<url><loc>{escape(loc)}</loc>"
        if lastmod:
            item += f"<lastmod>{lastmod}</lastmod>"
        buffer.append(item + "</url>\n")
        if len(buffer) >= _WRITE_EVERY:
            yield "".join(buffer)
            buffer.clear()
    yield "".join(buffer) + "</urlset>\n"


def full_urlset(found: list[Section], per_file: int) -> Iterator[str]:
    def entries():
        for section in found:
            yield from section.entries(0, per_file)

    return urlset(entries())


def _chunk_lastmods(section: Section, per_file: int) -> dict[int, str | None]:
    if section.name == "topics":
        raw = queries.topic_chunk_lastmods(per_file)
    elif section.name == "kb":
        raw = queries.article_chunk_lastmods(per_file)
    else:
        return {
            number: _later(*(lastmod for _, lastmod in section.entries((number - 1) * per_file, per_file)))
            for number in range(1, section.chunks(per_file) + 1)
        }
    return {number: iso(_later(*values)) for number, values in raw.items()}


def sitemap_index(found: list[Section], per_file: int) -> Iterator[str]:
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{NS}">\n'
    for section in found:
        if not section.count:
            continue
        lastmods = _chunk_lastmods(section, per_file)
        for number in range(1, section.chunks(per_file) + 1):
            loc = url_for("seo.sitemap_part", section=section.name, number=number, _external=True)
            lastmod = lastmods.get(number)
            yield (
                f"<sitemap><loc>{escape(loc)}</loc>"
                + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "")
                + "</sitemap>\n"
            )
    yield "</sitemapindex>\n"


def find_section(name: str) -> Section | None:
    return next((section for section in sections() if section.name == name), None)
