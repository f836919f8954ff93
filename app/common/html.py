"""The one sanitiser: every piece of user HTML is produced here.

Markdown is rendered with raw HTML disabled, then the result goes through bleach
with an allow-list, so nothing script-capable can reach a template.
"""

import re
from html import unescape

import bleach
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "hr",
        "strong",
        "em",
        "b",
        "i",
        "u",
        "s",
        "del",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "a",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "img",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "img": ["src", "alt", "title"],
    "th": ["align"],
    "td": ["align"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False, "maxNesting": 60})
_markdown.enable("table").enable("strikethrough")

# markdown-it silently drops what is nested deeper than maxNesting. Deeper quotes and list items are
# flattened to MAX_DEPTH instead, so their text is always shown (as siblings at the deepest level).
MAX_DEPTH = 10
_DEEP_QUOTE = re.compile(rf"^(?:[ \t]{{0,3}}>){{{MAX_DEPTH + 1},}}", re.MULTILINE)
_DEEP_ITEM = re.compile(rf"^[ \t]{{{2 * MAX_DEPTH + 1},}}(?=(?:[-*+]|\d{{1,9}}[.)])[ \t])", re.MULTILINE)


def _flatten_deep_nesting(text: str) -> str:
    text = _DEEP_QUOTE.sub(">" * MAX_DEPTH, text)
    return _DEEP_ITEM.sub(" " * (2 * MAX_DEPTH), text)


def _nofollow(attrs, new=False):
    href_key = (None, "href")
    if href_key in attrs:
        attrs[(None, "rel")] = "nofollow noopener ugc"
    return attrs


def sanitize_html(html: str) -> str:
    """Clean arbitrary HTML down to the allow-list; links get rel=nofollow."""
    cleaned = bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
    return bleach.linkify(cleaned, callbacks=[_nofollow], skip_tags={"pre", "code"})


def render_markdown(text: str) -> str:
    """Markdown source written by a user -> safe HTML for a *_html column."""
    return sanitize_html(_markdown.render(_flatten_deep_nesting(text or "")))


# A tag of our own sanitised HTML (attribute values are quoted and may contain ">").
_TAG_RE = re.compile(r"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")


def plain_text(html: str) -> str:
    """The text of HTML this module produced (a *_html column), tags removed and entities decoded: plain
    characters, to be escaped once by whatever shows them (a template, JSON, the search highlighter).
    One regular-expression pass: no HTML parser, so a post of 20,000 '<' costs microseconds, not seconds."""
    return unescape(_TAG_RE.sub("", html or ""))
