"""News writes: take the writer and plain data, flush, never commit."""

from flask_babel import lazy_gettext as _l

from app.common.db import utcnow
from app.common.errors import DomainError, Forbidden
from app.common.html import render_markdown
from app.common.policy import can
from app.common.slug import slugify
from app.extensions import db
from app.media.services import attach_images
from app.news.media_access import NEWS
from app.news.models import NewsPost

TITLE_MAX = 200
BODY_MAX = 50000


def _require_writer(actor) -> None:
    if not can(actor, "write_news"):
        raise Forbidden(_l("Only administrators and the marketing team can write news."))


def _clean(title: str, body: str) -> tuple[str, str]:
    title = " ".join((title or "").split())
    if len(title) < 3:
        raise DomainError(_l("The title must be at least %(n)d characters long.", n=3), field="title")
    if len(title) > TITLE_MAX:
        raise DomainError(_l("The title must be at most %(n)d characters long.", n=TITLE_MAX), field="title")
    body = (body or "").strip()
    if not body:
        raise DomainError(_l("Write the news first."), field="body")
    if len(body) > BODY_MAX:
        raise DomainError(_l("The text must be at most %(n)d characters long.", n=BODY_MAX), field="body")
    return title, body


def _apply(post: NewsPost, title: str, body: str, is_pinned: bool, publish: bool) -> None:
    post.title = title
    post.slug = slugify(title) or "news"
    post.body = body
    post.body_html = render_markdown(body)
    post.is_pinned = bool(is_pinned)
    if publish and post.published_at is None:
        post.published_at = utcnow()
    elif not publish:
        post.published_at = None


def create_news(actor, title: str, body: str, is_pinned: bool = False, publish: bool = True) -> NewsPost:
    _require_writer(actor)
    title, body = _clean(title, body)
    post = NewsPost(author_id=actor.id)
    _apply(post, title, body, is_pinned, publish)
    db.session.add(post)
    db.session.flush()
    _attach_images(actor, body, post)
    return post


def update_news(actor, post: NewsPost, title: str, body: str, is_pinned: bool, publish: bool) -> NewsPost:
    _require_writer(actor)
    title, body = _clean(title, body)
    _apply(post, title, body, is_pinned, publish)
    db.session.flush()
    _attach_images(actor, body, post)
    return post


def _attach_images(actor, body: str, post: NewsPost) -> None:
    """Images uploaded in the editor (app.media) belong to the post once it is saved."""
    attach_images(actor, body, NEWS, post.id)
