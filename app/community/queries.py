"""Reads shared by routes, widget and analytics. Every list loads its rows in a fixed number of queries."""
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from app.common.pagination import Page, paginate
from app.community import kinds
from app.community.models import Category, Comment, StatusChange, Topic, Vote
from app.community.visibility import visible_comments_clause, visible_topics_clause
from app.extensions import db
from app.staff.models import Department


def categories_with_departments() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.name)))


def category_by_slug(slug: str) -> Category | None:
    """Categories are few: match the slug against their names (no slug column to keep in step)."""
    return next((c for c in categories_with_departments() if c.slug == slug), None)


def departments() -> list[Department]:
    return list(db.session.scalars(select(Department).order_by(Department.name)))


def topic_list(viewer, page: int, per_page: int, topic_type: str | None = None,
               category_id: int | None = None, status: str | None = None, author_id: int | None = None) -> Page:
    stmt = (
        select(Topic)
        .where(visible_topics_clause(viewer))
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
    return paginate(stmt, page, per_page)


def type_counts(viewer, category_id: int | None = None) -> dict[str, int]:
    stmt = select(Topic.type, func.count()).where(visible_topics_clause(viewer)).group_by(Topic.type)
    if category_id is not None:
        stmt = stmt.where(Topic.category_id == category_id)
    rows = db.session.execute(stmt)
    return {topic_type: count for topic_type, count in rows}


def get_topic(topic_id: int) -> Topic | None:
    return db.session.scalar(
        select(Topic).where(Topic.id == topic_id).options(
            joinedload(Topic.author), joinedload(Topic.category), joinedload(Topic.department)
        )
    )


def topic_comments(viewer, topic: Topic) -> list[Comment]:
    return list(db.session.scalars(
        select(Comment)
        .where(Comment.topic_id == topic.id, visible_comments_clause(viewer))
        .options(joinedload(Comment.author), joinedload(Comment.department))
        .order_by(Comment.id)
    ))


def status_history(topic: Topic) -> list[StatusChange]:
    return list(db.session.scalars(
        select(StatusChange).where(StatusChange.topic_id == topic.id)
        .options(joinedload(StatusChange.actor)).order_by(StatusChange.id)
    ))


def has_voted(user, topic: Topic) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(
        select(func.count()).select_from(Vote).where(Vote.topic_id == topic.id, Vote.user_id == user.id)
    ) > 0


def user_comments(viewer, user_id: int, page: int, per_page: int) -> Page:
    """A user's comments on topics the viewer may see, newest first."""
    stmt = (
        select(Comment)
        .join(Comment.topic)
        .where(Comment.author_id == user_id, visible_comments_clause(viewer), visible_topics_clause(viewer))
        .options(contains_eager(Comment.topic))
        .order_by(Comment.id.desc())
    )
    return paginate(stmt, page, per_page)
