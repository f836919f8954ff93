from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.db import TimestampMixin, utcnow
from app.extensions import db


class ExternalAuthor(TimestampMixin, db.Model):
    """Someone on a social network whose public posts were imported. Each has a placeholder account (no password,
    an undeliverable address, e-mail off) that authors their topics, so lists and profiles work as for everyone."""

    __tablename__ = "external_authors"
    __table_args__ = (UniqueConstraint("network", "handle", name="uq_external_authors_network_handle"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network: Mapped[str] = mapped_column(String(20), nullable=False)
    handle: Mapped[str] = mapped_column(String(100), nullable=False)  # lower case, without "@"
    name: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    profile_url: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    external_id: Mapped[str | None] = mapped_column(String(64), index=True)  # the network's user id, when known
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True, nullable=False)

    user = relationship("User")

    def __repr__(self) -> str:
        return f"<ExternalAuthor {self.network} @{self.handle}>"


class SocialImport(db.Model):
    """The link between an imported post and its topic. (network, external_id) is unique: importing the same
    post again finds this row instead of making a second topic."""

    __tablename__ = "social_imports"
    __table_args__ = (UniqueConstraint("network", "external_id", name="uq_social_imports_network_external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network: Mapped[str] = mapped_column(String(20), nullable=False)
    external_id: Mapped[str] = mapped_column(String(255), nullable=False)
    url: Mapped[str] = mapped_column(String(500), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    posted_at: Mapped[datetime | None] = mapped_column(DateTime)
    external_author_id: Mapped[int] = mapped_column(ForeignKey("external_authors.id"), nullable=False, index=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"), unique=True, nullable=False)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    external_author = relationship("ExternalAuthor", lazy="joined")
    topic = relationship("Topic")
    imported_by = relationship("User")

    def __repr__(self) -> str:
        return f"<SocialImport {self.network}:{self.external_id} topic={self.topic_id}>"
