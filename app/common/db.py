"""Column and query helpers shared by every feature's models."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, select
from sqlalchemy.orm import Mapped, joinedload, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow, nullable=False)


def list_rows(model, *criteria, loads=(), order_by=None) -> list:
    """The rows of `model` matching `criteria`, with the relationships in `loads` loaded in the same query
    (no N+1), in `order_by` order (default: by id)."""
    from app.extensions import db

    stmt = select(model).where(*criteria).options(*(joinedload(r) for r in loads))
    return list(db.session.scalars(stmt.order_by(model.id if order_by is None else order_by)))
