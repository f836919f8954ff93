"""The dashboard's figures computed straight from the domain's tables, as the dashboard did before the roll-ups:
the oracle the roll-up tests compare with, and the "before" of bench/analytics_dashboard.py."""

from datetime import datetime, timedelta

from sqlalchemy import and_, case, distinct, exists, func, or_, select, union
from sqlalchemy.orm import aliased, joinedload

from app.analytics.call_centre import community_share as _community_share
from app.analytics.models import Event
from app.analytics.periods import Period
from app.analytics.reports import Activity, Funnel
from app.analytics.service_levels import Levels, _add
from app.analytics.services import SUGGESTION_CLICKED, SUGGESTIONS_SHOWN, TOPIC_POSTED
from app.community.models import Comment, Topic, Vote
from app.extensions import db
from app.staff import hours, sla
from app.staff.models import Department, TopicWork


def _topic_scope(departments):
    clauses = [Topic.is_deleted.is_(False)]
    if departments is not None:
        clauses.append(Topic.department_id.in_(departments or [-1]))
    return clauses


def activity(period: Period, departments=None) -> Activity:
    scope = _topic_scope(departments)
    new_topics = (Topic.created_at >= period.since, Topic.created_at < period.until, *scope)
    by_type = dict(db.session.execute(select(Topic.type, func.count()).where(*new_topics).group_by(Topic.type)).all())
    moods = dict(
        db.session.execute(
            select(Topic.mood, func.count()).where(*new_topics, Topic.mood.is_not(None)).group_by(Topic.mood)
        ).all()
    )
    channels = dict(
        db.session.execute(select(Topic.channel, func.count()).where(*new_topics).group_by(Topic.channel)).all()
    )
    comment_scope = (
        Comment.created_at >= period.since,
        Comment.created_at < period.until,
        Comment.is_deleted.is_(False),
        *scope,
    )
    comments, official = db.session.execute(
        select(func.count(), func.coalesce(func.sum(case((Comment.is_official.is_(True), 1), else_=0)), 0))
        .select_from(Comment)
        .join(Topic, Topic.id == Comment.topic_id)
        .where(*comment_scope)
    ).one()
    vote_scope = (Vote.created_at >= period.since, Vote.created_at < period.until, *scope)
    votes = (
        db.session.scalar(
            select(func.count()).select_from(Vote).join(Topic, Topic.id == Vote.topic_id).where(*vote_scope)
        )
        or 0
    )
    people = union(
        select(Topic.author_id.label("user_id")).where(*new_topics),
        select(Comment.author_id).join(Topic, Topic.id == Comment.topic_id).where(*comment_scope),
        select(Vote.user_id).join(Topic, Topic.id == Vote.topic_id).where(*vote_scope),
    ).subquery()
    participants = db.session.scalar(select(func.count(distinct(people.c.user_id)))) or 0
    return Activity(participants, by_type, int(comments or 0), int(official or 0), int(votes), moods, channels)


def funnel(period: Period) -> Funnel:
    recent = (Event.created_at >= period.since, Event.created_at < period.until, Event.draft_id.is_not(None))

    def drafts(name):
        return select(Event.draft_id).where(*recent, Event.name == name)

    def count(stmt) -> int:
        return db.session.scalar(select(func.count(distinct(stmt.subquery().c.draft_id)))) or 0

    shown = count(drafts(SUGGESTIONS_SHOWN))
    clicked = count(drafts(SUGGESTION_CLICKED))
    # NOT EXISTS, not NOT IN: PostgreSQL turns NOT IN (subquery) into a per-row scan (minutes on a year of data).
    posted = aliased(Event)
    deflected = count(
        drafts(SUGGESTION_CLICKED).where(
            ~exists().where(
                posted.draft_id == Event.draft_id,
                posted.name == TOPIC_POSTED,
                posted.created_at >= period.since,
                posted.created_at < period.until,
            )
        )
    )
    posted_after = count(drafts(TOPIC_POSTED).where(Event.draft_id.in_(drafts(SUGGESTIONS_SHOWN))))
    posted_total = (
        db.session.scalar(
            select(func.count())
            .select_from(Event)
            .where(Event.created_at >= period.since, Event.created_at < period.until, Event.name == TOPIC_POSTED)
        )
        or 0
    )
    return Funnel(shown, clicked, deflected, posted_after, posted_total)


def _hours(cal, start, end):
    return None if end is None else hours.working_time_between(cal, start, end) / timedelta(hours=1)


def service_levels(period: Period, now, departments=None):
    return report(period, now, departments)


def report(period: Period, now: datetime, departments=None) -> tuple[list[Levels], list[Levels]]:
    """(per department, per representative) for topics created in the period; backlog and overdue are now."""
    scope = [Topic.is_deleted.is_(False)]
    if departments is not None:
        scope.append(Topic.department_id.in_(departments or [-1]))
    by_department: dict[int, Levels] = {}
    by_person: dict[int | None, Levels] = {}
    calendars: dict[int, object] = {}
    names = {d.id: d.name for d in db.session.scalars(select(Department))}
    rows = db.session.execute(
        select(TopicWork, Topic.department_id, Topic.created_at)
        .join(Topic, Topic.id == TopicWork.topic_id)
        .options(joinedload(TopicWork.assignee))
        .where(*scope, Topic.created_at >= period.since, Topic.created_at < period.until)
    )
    for work, department_id, created_at in rows:
        if department_id not in calendars:
            calendars[department_id] = sla.calendar_of(db.session.get(Department, department_id))
        cal = calendars[department_id]
        first, solution = _hours(cal, created_at, work.first_response_at), _hours(cal, created_at, work.resolved_at)
        _add(by_department.setdefault(department_id, Levels(names.get(department_id, "?"))), work, first, solution, now)
        person = by_person.setdefault(work.assignee_id, Levels(work.assignee.display_name if work.assignee else ""))
        _add(person, work, first, solution, now)
    # Backlog and overdue now, counted by the database (TopicWork.is_overdue as SQL).
    overdue = and_(
        TopicWork.waiting_for_customer.is_(False),
        or_(
            and_(TopicWork.first_response_at.is_(None), TopicWork.first_response_due_at <= now),
            TopicWork.resolution_due_at <= now,
        ),
    )
    for department_id, backlog, late in db.session.execute(
        select(Topic.department_id, func.count(), func.coalesce(func.sum(case((overdue, 1), else_=0)), 0))
        .select_from(TopicWork)
        .join(Topic, Topic.id == TopicWork.topic_id)
        .where(*scope, TopicWork.resolved_at.is_(None))
        .group_by(Topic.department_id)
    ):
        levels = by_department.setdefault(department_id, Levels(names.get(department_id, "?")))
        levels.backlog, levels.overdue = int(backlog), int(late)
    ordered = sorted(by_department.values(), key=lambda levels: levels.name)
    people = sorted(by_person.values(), key=lambda levels: (levels.name == "", levels.name))
    return ordered, people


def moods_by_day(period: Period, departments=None) -> dict:
    day = func.date(Topic.created_at)
    rows = db.session.execute(
        select(day, Topic.mood, func.count())
        .where(
            Topic.created_at >= period.since,
            Topic.created_at < period.until,
            Topic.mood.is_not(None),
            *_topic_scope(departments),
        )
        .group_by(day, Topic.mood)
    )
    return {(str(when)[:10], mood): int(count) for when, mood, count in rows}


def community_solved(period: Period) -> int:
    from app.community import kinds

    return (
        db.session.scalar(
            select(func.count())
            .select_from(Topic)
            .where(
                Topic.created_at >= period.since,
                Topic.created_at < period.until,
                Topic.is_deleted.is_(False),
                Topic.type.in_(list(kinds.SOLVED_STATUS)),
                Topic.status.in_(list(kinds.SOLVED_STATUS.values())),
            )
        )
        or 0
    )


def community_share(period: Period):
    share = _community_share(period)  # the call-centre part; its solved count replaced by the raw one
    share.community_solved = community_solved(period)
    return share


def moods_over_time(period: Period, departments=None) -> dict:
    """The mood chart as the dashboard drew it from the topics table."""
    from app.analytics.charts import _time_chart
    from app.community import kinds

    counts = moods_by_day(period, departments)
    return _time_chart(
        period,
        {
            str(kinds.MOOD_LABELS[m]): {d: counts.get((d.isoformat(), m), 0) for d in period.each_day()}
            for m in kinds.MOODS
        },
    )
