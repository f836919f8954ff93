"""The response clock of a topic (TopicWork): started when the topic is posted, stopped by the first
official answer and by the solution, paused while staff wait for the customer.

Due times are computed in the department's working hours (app.staff.hours). These functions only add
and change rows in the session; the caller's transaction commits them.
"""

from datetime import datetime, timedelta

from sqlalchemy import select

from app.common.db import utcnow
from app.community import kinds
from app.community.models import Comment, Topic
from app.extensions import db
from app.staff import hours
from app.staff.models import Department, TopicWork

# Statuses that end the work on a topic (an official answer moves a question to "answered").
RESOLVED_STATUSES = frozenset({"answered", "solved", "done", "declined", "acknowledged"})
# Types that have a resolution target; ideas may stay planned for months, praise needs no solution.
RESOLUTION_TYPES = frozenset({kinds.QUESTION, kinds.PROBLEM})
_FALLBACK = hours.Calendar.of("UTC", hours.WEEKDAYS, 9 * 60, 18 * 60)


def calendar_of(department: Department | None) -> hours.Calendar:
    """The department's calendar; a broken one (edited by hand in the database) falls back to Mon–Fri 9–18 UTC."""
    if department is None:
        return _FALLBACK
    try:
        return department.calendar
    except hours.CalendarError:
        return _FALLBACK


def _department(topic: Topic) -> Department | None:
    return topic.department or (db.session.get(Department, topic.department_id) if topic.department_id else None)


def _due(department: Department | None, start: datetime, target_hours: int | None) -> datetime | None:
    if not target_hours:
        return None
    return hours.add_working_hours(calendar_of(department), start, target_hours)


def first_response_due(department: Department | None, start: datetime) -> datetime | None:
    return _due(department, start, department.first_response_hours if department else None)


def _set_dues(work: TopicWork, topic: Topic, start: datetime) -> None:
    department = _department(topic)
    work.first_response_due_at = first_response_due(department, start)
    work.resolution_due_at = (
        _due(department, start, department.resolution_hours if department else None)
        if topic.type in RESOLUTION_TYPES
        else None
    )


def start_clock(topic: Topic, now: datetime | None = None) -> TopicWork:
    now = now or topic.created_at or utcnow()
    work = TopicWork(topic_id=topic.id, waiting_since=now)
    _set_dues(work, topic, now)
    db.session.add(work)
    return work


def work_for(topic: Topic) -> TopicWork:
    """The topic's TopicWork, rebuilt from its history if it predates the staff workflow."""
    work = db.session.get(TopicWork, topic.id)
    return work if work is not None else rebuild(topic)


def resume(work: TopicWork, topic: Topic, now: datetime) -> None:
    """Staff waited for the customer until `now`: the targets move on by the working time that took."""
    if work.waiting_for_customer:
        paused = hours.working_time_between(calendar_of(_department(topic)), work.waiting_since, now)
        if paused > timedelta(0):
            cal = calendar_of(_department(topic))
            if work.first_response_at is None and work.first_response_due_at is not None:
                work.first_response_due_at = hours.add_working_time(cal, work.first_response_due_at, paused)
            if work.resolution_due_at is not None:
                work.resolution_due_at = hours.add_working_time(cal, work.resolution_due_at, paused)
    work.waiting_for_customer = False
    work.waiting_since = now


def wait_for_customer(work: TopicWork, now: datetime) -> None:
    if not work.waiting_for_customer:
        work.waiting_for_customer = True
        work.waiting_since = now


def resolve(work: TopicWork, now: datetime) -> None:
    if work.resolved_at is None:
        work.resolved_at = now
    work.waiting_for_customer = False


def reopen(work: TopicWork, now: datetime) -> None:
    if work.resolved_at is not None:
        work.resolved_at = None
        work.waiting_since = now


# --- signal receivers (connected in app.staff.receivers) ----------------------------------------------


def on_topic_created(topic: Topic, **_kwargs) -> None:
    # The topic was inserted just now: no work item can be in the database under its id (topics are never
    # deleted, and a deleted one would take its item with it), so only this session is looked at, not queried.
    if db.session.identity_key(TopicWork, topic.id) not in db.session.identity_map:
        start_clock(topic)


def on_comment_posted(comment: Comment, **_kwargs) -> None:
    topic = comment.topic
    work = work_for(topic)
    now = comment.created_at or utcnow()
    if comment.is_official:
        if work.first_response_at is None:
            work.first_response_at = now
    elif comment.author_id == topic.author_id and work.waiting_for_customer and work.resolved_at is None:
        resume(work, topic, now)


def on_status_changed(topic: Topic, actor=None, old=None, new=None, **_kwargs) -> None:
    work = work_for(topic)
    if new in RESOLVED_STATUSES:
        resolve(work, utcnow())
    elif old in RESOLVED_STATUSES:
        reopen(work, utcnow())


def on_solution_marked(topic: Topic, actor=None, comment=None, **_kwargs) -> None:
    resolve(work_for(topic), utcnow())


def on_topic_merged(duplicate: Topic, original=None, actor=None, **_kwargs) -> None:
    """A duplicate merged into another topic is done: the work continues in the original."""
    resolve(work_for(duplicate), utcnow())


# --- rebuilding from history (demo data, topics older than the workflow) -------------------------------


def rebuild(topic: Topic) -> TopicWork:
    """Recompute the clock from what the topic shows: when it was posted, its first official answer, its
    status and solution. Keeps the assignee. Used for backdated demo topics and by `flask staff backfill`."""
    work = db.session.get(TopicWork, topic.id)
    if work is None:
        work = TopicWork(topic_id=topic.id)
        db.session.add(work)
    created = topic.created_at or utcnow()
    work.waiting_since = created
    work.waiting_for_customer = False
    _set_dues(work, topic, created)
    comments = list(
        db.session.scalars(
            select(Comment).where(Comment.topic_id == topic.id, Comment.is_deleted.is_(False)).order_by(Comment.id)
        )
    )
    official = [c for c in comments if c.is_official]
    work.first_response_at = official[0].created_at if official else None
    solution = next((c for c in comments if c.id == topic.solution_comment_id), None)
    if topic.status in RESOLVED_STATUSES or solution is not None:
        ends = [c.created_at for c in ([solution] if solution else official[-1:])]
        work.resolved_at = ends[0] if ends else topic.last_activity_at
    else:
        work.resolved_at = None
    return work


def backfill(batch: int = 500) -> int:
    """Create the missing TopicWork rows; returns how many were created."""
    created = 0
    while True:
        ids = list(
            db.session.scalars(
                select(Topic.id)
                .outerjoin(TopicWork, TopicWork.topic_id == Topic.id)
                .where(TopicWork.topic_id.is_(None))
                .order_by(Topic.id)
                .limit(batch)
            )
        )
        if not ids:
            return created
        for topic in db.session.scalars(select(Topic).where(Topic.id.in_(ids))):
            rebuild(topic)
            created += 1
        db.session.flush()
