"""What teaches a phrasing: a customer following a suggestion (the events API), a moderator merging a
duplicate, a representative answering with a link to an existing thread."""

import re
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request

from app.common import signals
from app.learning import enabled, services
from app.learning.models import LINK, MERGE

_HREF = re.compile(r"""href=["']([^"']+)["']""")
_THREAD_PATHS = (
    (re.compile(r"^/t/(\d+)(?:-[^/]*)?/?$"), "topic"),
    (re.compile(r"^/kb/(\d+)(?:-[^/]*)?/?$"), "article"),
)


def connect() -> None:
    signals.suggestion_followed.connect(_on_suggestion_followed)
    signals.topic_merged.connect(_on_topic_merged)
    signals.comment_posted.connect(_on_comment_posted)


def _on_suggestion_followed(draft_id, voter=None, kind=None, ref_id=None, text=None, solved=False, **_kw) -> None:
    if not enabled():
        return
    if text:
        services.note_click(voter, draft_id, kind, ref_id, text)
    if solved:
        services.mark_solved(voter, draft_id, kind, ref_id)


def _on_topic_merged(duplicate, original=None, **_kw) -> None:
    """The duplicate's title, worded the way another customer asked, becomes a phrasing of the original
    (a private or hidden duplicate teaches nothing: its title is not for everyone)."""
    if not enabled():
        return
    if original is None or duplicate.is_private or duplicate.is_hidden:
        return
    services.learn_title("topic", original.id, duplicate.title, MERGE)


def _on_comment_posted(comment, **_kw) -> None:
    """An official answer that links to another thread: this question is a phrasing of that thread."""
    if not enabled():
        return
    topic = comment.topic
    if not comment.is_official or topic is None or topic.is_private or topic.is_hidden:
        return
    for kind, ref_id in linked_threads(comment.body_html or ""):
        if (kind, ref_id) != ("topic", topic.id):
            services.learn_title(kind, ref_id, topic.title, LINK)


def linked_threads(html: str) -> list[tuple[str, int]]:
    """(kind, id) of the community's own topics and articles linked from `html`, in order, once each."""
    hosts = {h.strip().lower() for h in current_app.config.get("PUBLIC_URL_HOST", "").split(",") if h.strip()}
    if has_request_context():
        hosts.add(request.host.lower())
    found: list[tuple[str, int]] = []
    for href in _HREF.findall(html):
        parts = urlsplit(href)
        if parts.netloc and parts.netloc.lower() not in hosts:
            continue
        for pattern, kind in _THREAD_PATHS:
            match = pattern.match(parts.path)
            if match and (kind, int(match.group(1))) not in found and int(match.group(1)) < 2**31:
                found.append((kind, int(match.group(1))))
    return found[:5]
