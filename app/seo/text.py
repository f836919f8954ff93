"""Small text helpers shared by meta tags, JSON-LD and feeds."""

import re
from datetime import UTC, datetime
from email.utils import format_datetime as rfc822

from app.common.html import plain_text

_IMG_SRC_RE = re.compile(r'<img\b[^>]*?\bsrc="([^"]+)"')
_RELATIVE_URL_RE = re.compile(r'(\s(?:src|href)=")/(?!/)')


def plain(html: str, paragraphs: bool = False) -> str:
    """Plain text of sanitised HTML with entities decoded (templates and JSON encoding escape it again).
    With `paragraphs`, line breaks between blocks are kept (folded to one blank line)."""
    return fold(plain_text(html or ""), paragraphs)


def post_text(post, paragraphs: bool = False, limit: int | None = None) -> str:
    """The plain text of a topic, comment or article: its stored `body_text` (computed when written), else from
    the HTML. With `limit`, at most that many characters, and only a prefix of the stored text is folded."""
    text = getattr(post, "body_text", None)
    if text is None:
        text = plain_text(post.body_html or "")
    if limit is None:
        return fold(text, paragraphs)
    return fold(text[: limit * 2], paragraphs)[:limit]


def fold(text: str, paragraphs: bool = False) -> str:
    """Whitespace folded; with `paragraphs`, line breaks between blocks kept (at most one blank line)."""
    if not paragraphs:
        return " ".join(text.split())
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def excerpt(html: str, limit: int = 160) -> str:
    """Plain text of sanitised HTML, whitespace folded, cut at a word boundary with an ellipsis."""
    return cut(plain(html), limit)


def post_excerpt(post, limit: int = 160) -> str:
    """excerpt() of a topic or comment from its stored plain text."""
    text = getattr(post, "body_text", None)
    return cut(fold(text[: limit * 20]), limit) if text is not None else excerpt(post.body_html, limit)


def cut(text: str, limit: int = 160) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,.;:-")
    return (cut or text[: limit - 1]) + "…"


def first_image(html: str, root: str) -> str | None:
    """The absolute URL of the first image in sanitised HTML, for og:image and JSON-LD `image`."""
    match = _IMG_SRC_RE.search(html or "")
    if not match:
        return None
    src = match.group(1).replace("&amp;", "&")
    return root + src if src.startswith("/") and not src.startswith("//") else src


def absolute_urls(html: str, root: str) -> str:
    """Make root-relative src/href absolute (feed readers show entries outside our site)."""
    return _RELATIVE_URL_RE.sub(lambda m: m.group(1) + root + "/", html or "")


def iso(value: datetime | None) -> str | None:
    """W3C datetime in UTC (the app stores naive UTC): 2024-05-01T12:30:00+00:00."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


def rfc822_date(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return rfc822(value.astimezone(UTC), usegmt=True)


_XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """Drop the characters XML 1.0 cannot carry at all (control characters), so a feed always parses."""
    return _XML_INVALID_RE.sub("", value or "")
