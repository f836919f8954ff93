from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.common.db import utcnow
from app.extensions import db


class Event(db.Model):
    """Something a visitor did, recorded once and never changed."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_name_created_at", "name", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), nullable=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # A random id the ask form makes for one draft: ties "shown", "clicked" and "posted" together.
    draft_id: Mapped[str | None] = mapped_column(String(40), index=True)
    subject_kind: Mapped[str | None] = mapped_column(String(20))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)


class PageView(db.Model):
    """One page view, as counted (write-behind, in batches). Raw rows are purged after ANALYTICS_RAW_DAYS once
    rolled up; no IP address, no cookie: `visitor` is a hash of IP and user agent with a salt that changes daily."""

    __tablename__ = "page_views"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, index=True)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    path: Mapped[str] = mapped_column(String(300), nullable=False)
    visitor: Mapped[str] = mapped_column(String(32), nullable=False)
    source: Mapped[str] = mapped_column(String(20), nullable=False)
    source_name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    is_bot: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    user_id: Mapped[int | None] = mapped_column(Integer)


class VisitorDay(db.Model):
    """A visitor's first view of a day, with the source that brought them: counts each visitor once a day."""

    __tablename__ = "visitor_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    visitor: Mapped[str] = mapped_column(String(32), primary_key=True)
    source: Mapped[str] = mapped_column(String(20), nullable=False)


class DailyVisits(db.Model):
    """Roll-up per day and source: page views, unique visitors (by the source of their first view that day),
    and bot views (counted apart, excluded from every figure)."""

    __tablename__ = "daily_visits"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    source: Mapped[str] = mapped_column(String(20), primary_key=True)
    source_name: Mapped[str] = mapped_column(String(100), primary_key=True, default="")
    page_views: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    visitors: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    bot_views: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
