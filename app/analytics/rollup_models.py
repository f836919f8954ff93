"""Roll-ups the dashboard reads instead of the domain's tables: per day x category x department x channel
(activity, moods, solved requests), per day x department x person (who took part), per day x channel (the
deflection funnel, a draft counted on the day it began), and per topic (response and solution times in working
hours, computed once). Rebuilt a day at a time from the raw rows by app/analytics/rollups.py."""

import sys
from array import array
from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, Index, Integer, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

# The counts of the ask-form funnel (daily_funnel, monthly_funnel).
FUNNEL_COLUMNS = ("shown", "clicked", "deflected", "posted_after", "posted_total")


class DailyActivity(db.Model):
    __tablename__ = "daily_activity"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    category_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    questions: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    problems: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    ideas: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    praises: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    satisfied: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    indifferent: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    upset: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    solved: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # questions/problems answered/solved
    comments: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # comments written that day
    official_answers: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    votes: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class DailyParticipant(db.Model):
    """Someone who posted, commented, voted on or followed a topic of the department that day (distinct counts)."""

    __tablename__ = "daily_participants"
    __table_args__ = (Index("ix_daily_participants_day_user", "day", "user_id"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    department_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)


NEVER = date(1, 1, 1)  # participant_days.previous_day of someone's first day


class ParticipantDay(db.Model):
    """A day someone took part (in any department, as daily_participants), with the day before it they last took
    part (NEVER if none). The people who took part in days s..e are then the rows of those days whose previous day
    is before s: each person's first day in the period, one row per person, so the dashboard counts them exactly
    with a COUNT over an index range instead of a COUNT(DISTINCT) over every daily row. Kept by
    app/analytics/participant_days.py with daily_participants (a day rebuilt re-links the next day of each person in it)."""

    __tablename__ = "participant_days"
    __table_args__ = (Index("ix_participant_days_day_previous", "day", "previous_day"),)

    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    previous_day: Mapped[date] = mapped_column(Date, nullable=False, default=NEVER)


class ParticipantDayCount(db.Model):
    """participant_days counted per (day, previous day): the people of days s..e are the sum of the rows of those
    days whose previous day is before s (~60 k rows for a year at the bank x100 instead of ~550 k participant
    days). Kept with participant_days by app/analytics/participant_days.py (each day whose rows changed counted again)."""

    __tablename__ = "participant_day_counts"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    previous_day: Mapped[date] = mapped_column(Date, primary_key=True)
    people: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class DailyFunnel(db.Model):
    """Ask-form drafts that began that day: suggestions shown, one opened, left without posting (deflected),
        posted after suggestions; and topics posted from the ask form that day; per channel and the draft's category
    (the latest known of its events: the form's choice, the posted topic's, else the opened suggestion's)."""

    __tablename__ = "daily_funnel"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    category_id: Mapped[int] = mapped_column(Integer, primary_key=True, default=0)  # 0: not known
    shown: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    clicked: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    deflected: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    posted_after: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    posted_total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class MonthlyFunnel(db.Model):
    """daily_funnel summed per month (its first day), channel and category: a period's whole months are read from
    here (a row per channel and category a month instead of one a day) and only its partial months from
    daily_funnel. Kept by app/analytics/rollup_months.py whenever a day of the month is rebuilt."""

    __tablename__ = "monthly_funnel"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    category_id: Mapped[int] = mapped_column(Integer, primary_key=True, default=0)
    shown: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    clicked: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    deflected: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    posted_after: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    posted_total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class DailyZeroSearch(db.Model):
    """A text searched for in vain that day (app/analytics/zero_searches.py): searches and distinct visitors."""

    __tablename__ = "daily_zero_searches"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    query: Mapped[str] = mapped_column(String(200), primary_key=True)
    searches: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    visitors: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


# What the dashboard reads of a response clock (app/analytics/service_levels.py), all in the day index below.
CLOCK_COLUMNS = (
    "department_id",
    "assignee_id",
    "first_response_hours",
    "solution_hours",
    "first_response_at",
    "first_response_due_at",
    "resolved_at",
    "resolution_due_at",
    "waiting_for_customer",
)


class TopicService(db.Model):
    """A topic's response clock with its times in the department's working hours, computed once."""

    __tablename__ = "topic_service"
    # Every column the dashboard reads, in day order: a period's clocks are one range of this index. Without it
    # SQLite fetched each clock of the range from the table by rowid, ~0.45 s for a year at the bank x100
    # against ~0.03 s for a scan.
    __table_args__ = (
        Index(
            "ix_topic_service_day_clock",
            "day",
            *CLOCK_COLUMNS,
        ),
        # The clocks still open (no response or no resolution yet): the whole months' part of the target counts
        # that depends on the clock (monthly_service_counts has the rest).
        Index(
            "ix_topic_service_open",
            "day",
            "department_id",
            "assignee_id",
            "first_response_at",
            "first_response_due_at",
            "resolved_at",
            "resolution_due_at",
            "waiting_for_customer",
            sqlite_where=text("first_response_at IS NULL OR resolved_at IS NULL"),
            postgresql_where=text("first_response_at IS NULL OR resolved_at IS NULL"),
        ),
    )

    topic_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    department_id: Mapped[int] = mapped_column(Integer, nullable=False)
    assignee_id: Mapped[int | None] = mapped_column(Integer)
    first_response_hours: Mapped[float | None] = mapped_column(Float)
    solution_hours: Mapped[float | None] = mapped_column(Float)
    first_response_at: Mapped[datetime | None] = mapped_column(DateTime)
    first_response_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolution_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    waiting_for_customer: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    def first_response_overdue(self, now: datetime) -> bool:
        return bool(self.first_response_at is None and self.first_response_due_at and self.first_response_due_at <= now)

    def resolution_overdue(self, now: datetime) -> bool:
        return bool(
            self.resolved_at is None
            and not self.waiting_for_customer
            and self.resolution_due_at
            and self.resolution_due_at <= now
        )


def pack_hours(values) -> bytes:
    """A sorted list of hours as little-endian doubles (monthly_service_hours): read back with unpack_hours in
    about a microsecond per thousand, where JSON took ~40 ms for a year of lists at the bank x100."""
    packed = array("d", values)
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tobytes()


def unpack_hours(data) -> array:
    packed = array("d")
    packed.frombytes(bytes(data))
    if sys.byteorder == "big":
        packed.byteswap()
    return packed


class MonthlyServiceHours(db.Model):
    """The response and solution times (working hours) of the topics created in a month, per department and
    representative (0: nobody), each list sorted and packed (pack_hours): a period's medians and 90th percentiles
    read its whole months from here (a few hundred rows instead of every clock) and only its partial months from
    topic_service. Kept from topic_service by app/analytics/rollup_months.py whenever a day of the month is rebuilt."""

    __tablename__ = "monthly_service_hours"

    month: Mapped[date] = mapped_column(Date, primary_key=True)  # its first day
    department_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignee_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0: not assigned
    first_response_hours: Mapped[bytes] = mapped_column(LargeBinary, nullable=False, default=b"")
    solution_hours: Mapped[bytes] = mapped_column(LargeBinary, nullable=False, default=b"")


class MonthlyServiceCounts(db.Model):
    """The target counts of a month's clocks that do not change with the clock, per department and representative
    (0: nobody): clocks, and those answered (resolved) that had a target, and within it. The clocks still open
    count against a target once it has passed, so the dashboard adds those live, from topic_service's open-clock
    index. Kept with monthly_service_hours by app/analytics/rollup_months.py."""

    __tablename__ = "monthly_service_counts"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    department_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignee_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0: not assigned
    topics: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    first_answered: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # answered, with a target
    first_in_target: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    solution_resolved: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # resolved, with a target
    solution_in_target: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class RollupOutbox(db.Model):
    """A day whose roll-ups must be rebuilt: written in the transaction that changed its raw rows, applied after
    commit (ANALYTICS_ROLLUP=inline) or by a worker / `flask analytics rollup`. Duplicates are fine."""

    __tablename__ = "rollup_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
