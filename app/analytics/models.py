from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
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
    # Where it happened (community.kinds.CHANNELS): "site" for the ask form, "widget" for the "Ask us!" panel.
    channel: Mapped[str | None] = mapped_column(String(20))
    # The request's category where it is known: the ask form's choice, the posted topic's, else the category
    # of the suggestion opened (the deflection funnel per category).
    category_id: Mapped[int | None] = mapped_column(Integer)
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


class CsatResponse(db.Model):
    """ "Did this solve your problem?" and a 1–5 rating, asked once when a topic is solved."""

    __tablename__ = "csat_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), nullable=False, unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    solved: Mapped[bool] = mapped_column(Boolean, nullable=False)
    score: Mapped[int] = mapped_column(Integer, nullable=False)
    comment: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # Who answered it, as it was when rated (the topic may move later).
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="SET NULL"), index=True)
    representative_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False, index=True)


class NpsResponse(db.Model):
    """ "How likely are you to recommend …?" 0–10, at most once a quarter; `score` is None when dismissed."""

    __tablename__ = "nps_responses"
    __table_args__ = (UniqueConstraint("user_id", "quarter", name="uq_nps_responses_user_quarter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    quarter: Mapped[str] = mapped_column(String(7), nullable=False)  # 2026Q4
    score: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False, index=True)


class MoodAlert(db.Model):
    """A sharp rise of the upset share in a category, remembered per category and ISO week so that the
    department's leads hear about it once; `cleared_at` is set when the share falls back."""

    __tablename__ = "mood_alerts"
    __table_args__ = (UniqueConstraint("category_id", "week", name="uq_mood_alerts_category_week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"), nullable=False)
    week: Mapped[str] = mapped_column(String(8), nullable=False)  # 2026-W49
    upset_share: Mapped[float] = mapped_column(Float, nullable=False)
    baseline_share: Mapped[float] = mapped_column(Float, nullable=False)
    upset_topics: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    cleared_at: Mapped[datetime | None] = mapped_column(DateTime)


class CallCentreMonth(db.Model):
    """Requests the call centre handled in a month, entered by an administrator (or uploaded as CSV)."""

    __tablename__ = "call_centre_months"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # 2026-09
    requests: Mapped[int] = mapped_column(Integer, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow, nullable=False)


# Period scans of the dashboard (activity, moods, service levels, community share) on the domain's own tables.
# Declared here, with the feature that needs them, so the community tables' modules stay untouched.
def _period_indexes() -> None:
    from app.community.models import Comment, Topic, Vote
    from app.notify.models import Subscription

    Index("ix_topics_created_at", Topic.created_at)
    Index("ix_topic_subscriptions_created_at", Subscription.created_at)
    Index("ix_comments_created_at", Comment.created_at)
    Index("ix_votes_created_at", Vote.created_at)


_period_indexes()
