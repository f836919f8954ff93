from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.db import TimestampMixin
from app.extensions import db


class Identity(TimestampMixin, db.Model):
    """An account at a sign-in provider (VK, Yandex, Google, Facebook, a company's OIDC) linked to a user.

    (provider, subject) is the provider's stable id for the person: VK's user id serves both the VK Mini App and
    VK ID, Facebook's app-scoped id both the Facebook app and Facebook Login.
    """

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("provider", "subject", name="uq_identities_provider_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False)
    provider: Mapped[str] = mapped_column(String(20), nullable=False)
    subject: Mapped[str] = mapped_column(String(255), nullable=False)
    email: Mapped[str | None] = mapped_column(String(254))
    is_email_verified: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    display_name: Mapped[str | None] = mapped_column(String(120))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)

    user = relationship("User", lazy="joined")

    def __repr__(self) -> str:
        return f"<Identity {self.provider}:{self.subject} user={self.user_id}>"
