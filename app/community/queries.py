"""Reads shared by routes, widget and analytics. Every list loads its rows in a fixed number of queries."""

from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import and_, func, select, true
from sqlalchemy.orm import contains_eager, defer, joinedload

from app.common.db import list_rows
from app.common.errors import NotFound
from app.common.policy import actor, can, is_staff, topic_clause, visible_rows, where
from app.community import kinds
from app.community.counts import rows as list_counts_rows
from app.community.models import Category, Comment, StatusChange, Topic, Vote
from app.extensions import db


def categories_with_departments() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.name)))


def category_by_slug(slug: str, categories: list[Category] | None = None) -> Category | None:
    """Categories are few: match the slug against their names (no slug column to keep in step). `categories`:
    the list this request already loaded, if any."""
    if categories is None:
        categories = categories_with_departments()
    return next((c for c in categories if c.slug == slug), None)


def topic_list(
    viewer,
    page: int,
    per_page: int,
    topic_type: str | None = None,
    category_id: int | None = None,
    status: str | None = None,
    author_id: int | None = None,
    counts: dict | None = None,
) -> Pagination:
    """A page of the topics `viewer` may see, most recently active first. The total for the pager comes from
    the kept counts (`list_counts`, or `counts` when the request already has them), not from counting every
    matching topic again (except on a profile)."""
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
    pagination = db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=False)
    pagination.total = sum(
        n
        for (cat, kind, state), n in (list_counts(viewer) if counts is None else counts).items()
        if (category_id is None or cat == category_id)
        and (topic_type not in kinds.TOPIC_TYPES or kind == topic_type)
        and (status not in kinds.ALL_STATUSES or state == status)
    )
    return pagination


def _grouped(clause) -> list[list]:
    stmt = select(Topic.category_id, Topic.type, Topic.status, func.count()).where(clause)
    return [list(row) for row in db.session.execute(stmt.group_by(Topic.category_id, Topic.type, Topic.status))]


def list_counts(viewer) -> dict[tuple[int, str, str], int]:
    """How many topics `viewer` sees per (category, type, status). The counts of everyone's topics (staff:
    all, others: the public ones) are the same for every viewer: read from the counts the services keep
    (app/community/counts.py, a few rows whatever the size of the community); a customer's own private topics
    are added from an indexed query on the author."""
    viewer = actor(viewer)  # a blocked account counts as a visitor, as in the policy
    staff = is_staff(viewer)
    counts: dict[tuple[int, str, str], int] = {}
    for cat, kind, state, n in list_counts_rows(staff):
        counts[(cat, kind, state)] = counts.get((cat, kind, state), 0) + n
    user_id = getattr(viewer, "id", None) if viewer is not None else None
    if not staff and user_id is not None:
        own = topic_clause(Topic, False, user_id)
        for cat, kind, state, n in _grouped(and_(own, Topic.author_id == user_id, Topic.is_private == true())):
            counts[(cat, kind, state)] = counts.get((cat, kind, state), 0) + n
    return counts


def type_counts(viewer, category_id: int | None = None, counts: dict | None = None) -> dict[str, int]:
    result: dict[str, int] = {}
    for (cat, kind, _state), n in (list_counts(viewer) if counts is None else counts).items():
        if category_id is None or cat == category_id:
            result[kind] = result.get(kind, 0) + n
    return result


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
    # The page shows body_html and its JSON-LD body_text: the Markdown source stays in the database.
    loads = (Comment.author, Comment.department)
    return visible_rows(viewer, "view_comment", Comment, Comment.topic_id == topic.id, loads, (defer(Comment.body),))


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
