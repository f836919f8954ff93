"""Phrasings: other wordings of a thread's question, learnt from what customers chose or given by staff.

Nothing here is ever shown outside the staff pages: a customer's words only reach the search index."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.db import utcnow
from app.extensions import db

# Where a phrasing came from.
CUSTOMERS, STAFF, MERGE, LINK = "customers", "staff", "merge", "link"
SOURCES = (CUSTOMERS, STAFF, MERGE, LINK)


class Phrasing(db.Model):
    """A wording of the question of search document (kind, ref_id): a topic or a knowledge-base article.
    Indexed ("also asked as") once confirmed: by enough distinct customers, or by staff (`approved_by_id`)."""

    __tablename__ = "phrasings"
    __table_args__ = (
        UniqueConstraint("kind", "ref_id", "key", name="uq_phrasings_kind_ref_key"),
        Index("ix_phrasings_kind_ref", "kind", "ref_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    ref_id: Mapped[int] = mapped_column(Integer, nullable=False)
    text: Mapped[str] = mapped_column(String(300), nullable=False)  # masked (app/common/sensitive.py)
    key: Mapped[str] = mapped_column(String(40), nullable=False)  # hash of its analysed terms: one row per wording
    terms: Mapped[str] = mapped_column(Text, nullable=False, default="")  # its distinct analysed terms, in order
    source: Mapped[str] = mapped_column(String(20), nullable=False, default=CUSTOMERS)
    customers: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # distinct customers who chose it
    confirmed: Mapped[bool] = mapped_column(default=False, nullable=False)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)

    approved_by = relationship("User", foreign_keys=[approved_by_id], lazy="joined")


class PhrasingVote(db.Model):
    """One customer (a user id, or a visitor's daily hash) counted once per phrasing."""

    __tablename__ = "phrasing_votes"
    __table_args__ = (UniqueConstraint("phrasing_id", "voter", name="uq_phrasing_votes_voter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    phrasing_id: Mapped[int] = mapped_column(ForeignKey("phrasings.id", ondelete="CASCADE"), nullable=False)
    voter: Mapped[str] = mapped_column(String(40), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)


class PhrasingClick(db.Model):
    """A customer opened a suggestion while typing `text`: a vote once it is clear they did not post
    (settled by `flask learning settle` after PHRASINGS_SETTLE_MINUTES), or at once when they say that
    it solved their problem. Deleted when settled."""

    __tablename__ = "phrasing_clicks"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    voter: Mapped[str] = mapped_column(String(40), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    ref_id: Mapped[int] = mapped_column(Integer, nullable=False)
    text: Mapped[str] = mapped_column(String(300), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False, index=True)
