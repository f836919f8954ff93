"""Keeping the roll-ups current: every flush that adds, changes or deletes a topic, comment, vote, follow, response
clock or ask-form event writes the days it touches into `rollup_outbox`, in the same transaction (a change of a
department's working hours: every day with a response clock of its topics); after commit those
the `analytics.rollup` job is enqueued (ANALYTICS_ROLLUP=inline, the default; app/jobs runs it, never the
request) or the rows wait for the worker's sweep or `flask analytics rollup` (`deferred`). A rollback discards the rows with everything else.

Why a flush listener rather than a call in each service: the figures depend on the day, category, department
and channel of rows written by four features (community, staff, analytics, social imports); a forgotten call
would silently skew the dashboard, and the outbox stays the one source of truth either way.
"""

import logging
from datetime import date, timedelta

from flask import current_app, has_app_context
from sqlalchemy import delete, event, func, insert, inspect, or_, select, union
from sqlalchemy.orm import Session

from app.analytics import rollups
from app.analytics.models import Event
from app.analytics.rollup_models import RollupOutbox, TopicService
from app.common.db import utcnow
from app.community.models import Comment, Topic, Vote
from app.extensions import db
from app.notify.models import Subscription
from app.staff.models import Department, TopicWork

log = logging.getLogger(__name__)
_PENDING = "otklik_rollup_pending"
BATCH = 200
_MOVES = ("category_id", "department_id", "channel", "is_deleted")
_COUNTED = (
    *_MOVES,
    "type",
    "mood",
    "status",
    "created_at",
)  # what a topic's own day counts (not last_activity_at, views...)
ENABLED = "otklik.rollups"
_CALENDAR = ("time_zone", "working_days", "open_minute", "close_minute")  # what response times are measured in


def _day(value) -> date:
    return (value or utcnow()).date()


def _topic_activity_days(session, topic_id: int) -> set[date]:
    """Days of a topic's comments and votes (they count under the topic's category and department)."""
    stamps = union(
        select(Comment.created_at).where(Comment.topic_id == topic_id),
        select(Vote.created_at).where(Vote.topic_id == topic_id),
    )
    return {_day(when) for (when,) in session.execute(stamps)}


def _topic_day(session, topic_id: int) -> set[date]:
    topic = session.get(Topic, topic_id)
    return {_day(topic.created_at)} if topic is not None else set()


def _calendar_days(session, department: Department) -> set[date]:
    """A department's working hours changed: every day with a response clock of its topics is computed again
    (times in working hours are measured in the department's current calendar)."""
    stamps = select(TopicService.day).where(TopicService.department_id == department.id).distinct()
    return {d if isinstance(d, date) else date.fromisoformat(str(d)) for (d,) in session.execute(stamps)}


def _changed(obj, names) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _event_days(session, ev: Event) -> set[date]:
    days = {_day(ev.created_at)}
    if ev.draft_id:  # a draft counts on the day it began: that day's funnel changes too
        began = session.scalar(select(func.min(Event.created_at)).where(Event.draft_id == ev.draft_id))
        if began is not None:
            days.add(began.date())
    return days


def _days_of(session, obj, change: str) -> set[date]:
    if isinstance(obj, Topic):
        if change == "dirty" and not _changed(obj, _COUNTED):
            return set()
        days = {_day(obj.created_at)} | {_day(w) for w in inspect(obj).attrs.created_at.history.deleted if w}
        if obj.id is not None and (change == "deleted" or (change == "dirty" and _changed(obj, _MOVES))):
            days |= _topic_activity_days(session, obj.id)
        return days
    if isinstance(obj, Comment | Vote | Subscription):
        return {_day(obj.created_at)}
    if isinstance(obj, Department):
        return _calendar_days(session, obj) if change == "dirty" and _changed(obj, _CALENDAR) else set()
    if isinstance(obj, TopicWork):
        topic = obj.topic if "topic" in inspect(obj).dict else None
        return {_day(topic.created_at)} if topic is not None else _topic_day(session, obj.topic_id)
    if isinstance(obj, Event) and change == "new":
        return _event_days(session, obj)
    return set()


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context, _instances) -> None:
    if not has_app_context() or ENABLED not in current_app.extensions:
        return
    days: set[date] = set()
    with session.no_autoflush:
        for change, objects in (("new", session.new), ("dirty", session.dirty), ("deleted", session.deleted)):
            for obj in objects:
                if change != "dirty" or session.is_modified(obj, include_collections=False):
                    days |= _days_of(session, obj, change)
    _queue(session, days)


def _queue(session: Session, days: set[date]) -> None:
    queued = session.info.setdefault(_PENDING, set())
    fresh = days - queued
    if fresh:
        now = utcnow()
        session.connection().execute(insert(RollupOutbox.__table__), [{"day": d, "created_at": now} for d in fresh])
        queued |= fresh


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state) -> None:
    """Follows are written with Core statements (app/notify/services.py: insert-or-ignore, then an update), which
    no flush sees: a statement on topic_subscriptions queues today, the day such a statement stamps."""
    if not (state.is_insert or state.is_update) or not has_app_context() or ENABLED not in current_app.extensions:
        return
    table = getattr(state.statement, "table", None)
    if table is not None and table.name == Subscription.__tablename__:
        _queue(state.session, {utcnow().date()})


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending or not has_app_context():
        return
    if current_app.config.get("ANALYTICS_ROLLUP", "inline") != "inline":
        return
    from app.jobs import queue

    queue.enqueue(JOB)  # never raises; the worker's sweep rebuilds whatever a lost job left


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


JOB = "analytics.rollup"
JOB_MAX_DAYS = 100  # days rebuilt by one run of the job: the sweep picks up the rest


def run_rollup_job() -> int:
    return drain(max_days=JOB_MAX_DAYS, hold_today=float(current_app.config.get("ANALYTICS_TODAY_SECONDS", 0)))


def _next_day(session: Session, hold_today: float):
    """The day of the oldest waiting row; today's only once its oldest row has waited `hold_today` seconds.

    Why today may wait: nothing reads today's stored rows while it lasts (the dashboard computes today live,
    app/analytics/rollup_reads.py), and rebuilding a day costs what the day holds. Rebuilt after every write, a
    busy day kept a worker rebuilding it back to back (half a core under the busy load of bench/load.py). Held, it
    is rebuilt at most about once per `hold_today` seconds (plus the worker's sweep), whatever the rate of writes;
    other days (a late comment on an old topic, an import) are rebuilt at once, and a held today is rebuilt by the
    first drain after midnight."""
    oldest_first = select(RollupOutbox.day).order_by(RollupOutbox.id).limit(1)
    if hold_today > 0:
        now = utcnow()
        due = now - timedelta(seconds=hold_today)
        oldest_first = oldest_first.where(or_(RollupOutbox.day != now.date(), RollupOutbox.created_at <= due))
    return session.scalar(oldest_first)


def drain(max_days: int | None = None, hold_today: float = 0) -> int:
    """Rebuild the days waiting in the outbox, each in its own transaction; returns how many days were rebuilt.
    A day that fails stays queued for the next drain. `hold_today`: see _next_day (the job's setting,
    ANALYTICS_TODAY_SECONDS; `flask analytics rollup` and the nightly sweep rebuild every waiting day)."""
    done = 0
    with Session(db.engine) as session:
        while max_days is None or done < max_days:
            day = _next_day(session, hold_today)
            if day is None:
                break
            last = session.scalar(select(func.max(RollupOutbox.id)).where(RollupOutbox.day == day))
            rollups.rebuild_day(day, session)
            session.execute(delete(RollupOutbox).where(RollupOutbox.day == day, RollupOutbox.id <= last))
            session.commit()
            done += 1
    return done


def pending_days() -> int:
    return db.session.scalar(select(func.count(func.distinct(RollupOutbox.day)))) or 0
