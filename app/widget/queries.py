"""Reads of the panel: public content only, as an anonymous visitor sees it."""

from sqlalchemy import false, select
from sqlalchemy.orm import joinedload

from app.community.models import Category, Comment, Topic
from app.community.visibility import public_only_clause
from app.extensions import db


def public_topic(topic_id: int) -> Topic | None:
    """The topic if anyone may read it; None for a private, hidden, deleted or missing one (indistinguishable)."""
    return db.session.scalar(
        select(Topic)
        .where(Topic.id == topic_id, public_only_clause())
        .options(joinedload(Topic.author), joinedload(Topic.category), joinedload(Topic.department))
    )


def public_comments(topic: Topic) -> list[Comment]:
    return list(
        db.session.scalars(
            select(Comment)
            .where(Comment.topic_id == topic.id, Comment.is_deleted == false(), Comment.is_hidden == false())
            .options(joinedload(Comment.author), joinedload(Comment.department))
            .order_by(Comment.id)
        )
    )


def categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.name)))
