from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.common.db import utcnow
from app.extensions import db


class SearchOutbox(db.Model):
    """A searchable row changed: written in the same transaction, applied to the index after commit.

    A row the backend keeps refusing is retried with exponential back-off (`next_attempt_at`; NULL: due now)
    and after JOBS_MAX_ATTEMPTS becomes a dead letter (`dead_at`), listed at /admin/dead-letters."""

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    ref_id: Mapped[int] = mapped_column(Integer, nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    dead_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
