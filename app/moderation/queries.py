"""Reads for the moderation panel and the merged-topic notices."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.common.policy import where
from app.community.models import Topic
from app.extensions import db
from app.moderation.models import ModerationAction


def topic_actions(topic_id: int) -> list[ModerationAction]:
    return list(
        db.session.scalars(
            select(ModerationAction)
            .where(ModerationAction.topic_id == topic_id)
            .options(joinedload(ModerationAction.actor))
            .order_by(ModerationAction.id)
        )
    )


def merged_duplicates(viewer, topic_id: int) -> list[Topic]:
    """Topics merged into this one that the viewer may see, oldest first."""
    return list(
        db.session.scalars(
            select(Topic).where(Topic.merged_into_id == topic_id, where(viewer, "view_topic", Topic)).order_by(Topic.id)
        )
    )


def user_actions(user_id: int, limit: int = 20) -> list[ModerationAction]:
    """Blocks and unblocks of a person, newest first (the profile's moderation panel)."""
    return list(
        db.session.scalars(
            select(ModerationAction)
            .where(ModerationAction.user_id == user_id)
            .options(joinedload(ModerationAction.actor))
            .order_by(ModerationAction.id.desc())
            .limit(limit)
        )
    )
