from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.db import utcnow
from app.extensions import db


class ModerationAction(db.Model):
    """What a moderator did to a topic (shown to staff on the topic page) or to a person (`user_id`: a block,
    shown to moderators on the profile). Append-only.

    `detail` keeps the names and titles as they were (a category renamed later does not rewrite history).
    """

    __tablename__ = "moderation_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    detail: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    actor = relationship("User", foreign_keys=[actor_id])

    def __repr__(self) -> str:
        return f"<ModerationAction {self.action} topic={self.topic_id}>"
