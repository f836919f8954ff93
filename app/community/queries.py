"""Reads shared by routes, widget and analytics. Every list loads its rows in a fixed number of queries."""

from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from app.common.db import list_rows
from app.common.errors import NotFound
from app.common.policy import can, visible_rows, where
from app.community import kinds
from app.community.models import Category, Comment, StatusChange, Topic, Vote
from app.extensions import db


def categories_with_departments() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.name)))


def category_by_slug(slug: str) -> Category | None:
    """Categories are few: match the slug against their names (no slug column to keep in step)."""
    return next((c for c in categories_with_departments() if c.slug == slug), None)


def topic_list(
    viewer,
    page: int,
    per_page: int,
    topic_type: str | None = None,
    category_id: int | None = None,
    status: str | None = None,
    author_id: int | None = None,
) -> Pagination:
    stmt = (
        select(Topic)
        .where(where(viewer, "view_topic", Topic))
        .options(joinedload(Topic.author), joinedload(Topic.category), joinedload(Topic.department))
        .order_by(Topic.last_activity_at.desc(), Topic.id.desc())
    )
    if topic_type in kinds.TOPIC_TYPES:
        stmt = stmt.where(Topic.type == topic_type)
    if category_id is not None:
        stmt = stmt.where(Topic.category_id == category_id)
    if status in kinds.ALL_STATUSES:
        stmt = stmt.where(Topic.status == status)
    if author_id is not None:
        stmt = stmt.where(Topic.author_id == author_id)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def type_counts(viewer, category_id: int | None = None) -> dict[str, int]:
    stmt = select(Topic.type, func.count()).where(where(viewer, "view_topic", Topic)).group_by(Topic.type)
    if category_id is not None:
        stmt = stmt.where(Topic.category_id == category_id)
    rows = db.session.execute(stmt)
    return dict(rows.all())


def get_topic(topic_id: int) -> Topic | None:
    return db.session.scalar(
        select(Topic)
        .where(Topic.id == topic_id)
        .options(joinedload(Topic.author), joinedload(Topic.category), joinedload(Topic.department))
    )


def load_visible_topic(viewer, topic_id) -> Topic:
    """The topic, with its author, category and department, if `viewer` may see it; else NotFound (a 404)."""
    topic = get_topic(topic_id) if isinstance(topic_id, int) else None
    if topic is None or not can(viewer, "view_topic", topic):
        raise NotFound(_l("This topic does not exist."))
    return topic


def topic_comments(viewer, topic: Topic) -> list[Comment]:
    loads = (Comment.author, Comment.department)
    return visible_rows(viewer, "view_comment", Comment, Comment.topic_id == topic.id, loads)


def status_history(topic: Topic) -> list[StatusChange]:
    return list_rows(StatusChange, StatusChange.topic_id == topic.id, loads=(StatusChange.actor,))


def has_voted(user, topic: Topic) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        db.session.scalar(
            select(func.count()).select_from(Vote).where(Vote.topic_id == topic.id, Vote.user_id == user.id)
        )
        > 0
    )


def user_comments(viewer, user_id: int, page: int, per_page: int) -> Pagination:
    """A user's comments on topics the viewer may see, newest first."""
    stmt = (
        select(Comment)
        .join(Comment.topic)
        .where(Comment.author_id == user_id, where(viewer, "view_comment", Comment), where(viewer, "view_topic", Topic))
        .options(contains_eager(Comment.topic))
        .order_by(Comment.id.desc())
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)
