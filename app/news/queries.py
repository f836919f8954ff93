"""Reads for the news pages, the feed and the pinned block on the community home."""

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.news.models import NewsPost


def _published():
    return (
        select(NewsPost)
        .where(NewsPost.published_at.is_not(None))
        .options(joinedload(NewsPost.author))
        .order_by(NewsPost.published_at.desc(), NewsPost.id.desc())
    )


def news_list(page: int, per_page: int, with_drafts: bool = False) -> Pagination:
    stmt = _published()
    if with_drafts:  # drafts first, then what is published
        stmt = (
            select(NewsPost)
            .options(joinedload(NewsPost.author))
            .order_by(NewsPost.published_at.is_not(None), NewsPost.published_at.desc(), NewsPost.id.desc())
        )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def pinned(limit: int = 3) -> list[NewsPost]:
    return list(db.session.scalars(_published().where(NewsPost.is_pinned.is_(True)).limit(limit)))


def latest(limit: int = 20) -> list[NewsPost]:
    return list(db.session.scalars(_published().limit(limit)))


def published_for_sitemap(limit: int) -> list[tuple[int, str, object]]:
    """(id, slug, changed) of published posts, newest first, without loading authors."""
    rows = db.session.execute(
        select(NewsPost.id, NewsPost.slug, NewsPost.published_at, NewsPost.updated_at)
        .where(NewsPost.published_at.is_not(None))
        .order_by(NewsPost.published_at.desc())
        .limit(limit)
    )
    return [(row.id, row.slug, max(v for v in (row.published_at, row.updated_at) if v)) for row in rows]


def get_post(post_id: int) -> NewsPost | None:
    return db.session.scalar(select(NewsPost).where(NewsPost.id == post_id).options(joinedload(NewsPost.author)))
