"""Service levels per department and representative: first official response time and time to solution in
the department's working hours (median and 90th percentile), the share within the department's targets, and the
backlog and overdue topics now."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload

from app.analytics.periods import Period
from app.community.models import Topic
from app.extensions import db
from app.staff import hours, sla
from app.staff.models import Department, TopicWork


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (share in 0..1) of a list; None for an empty one."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))  # ceil(n * share)
    return ordered[int(rank) - 1]


@dataclass
class Levels:
    name: str
    topics: int = 0
    first_response: list[float] = field(default_factory=list)  # working hours
    solution: list[float] = field(default_factory=list)
    first_in_target: int = 0
    first_with_target: int = 0
    solution_in_target: int = 0
    solution_with_target: int = 0
    backlog: int = 0
    overdue: int = 0

    def median(self, which: str) -> float | None:
        return percentile(getattr(self, which), 0.5)

    def p90(self, which: str) -> float | None:
        return percentile(getattr(self, which), 0.9)

    @property
    def first_share(self) -> float | None:
        return self.first_in_target / self.first_with_target if self.first_with_target else None

    @property
    def solution_share(self) -> float | None:
        return self.solution_in_target / self.solution_with_target if self.solution_with_target else None


def _hours(cal, start: datetime, end: datetime) -> float:
    return hours.working_time_between(cal, start, end) / timedelta(hours=1)


def _add(levels: Levels, work: TopicWork, created_at: datetime, cal, now: datetime) -> None:
    levels.topics += 1
    if work.first_response_at is not None:
        levels.first_response.append(_hours(cal, created_at, work.first_response_at))
    if work.first_response_due_at is not None and (work.first_response_at or work.first_response_overdue(now)):
        levels.first_with_target += 1
        levels.first_in_target += bool(work.first_response_at and work.first_response_at <= work.first_response_due_at)
    if work.resolved_at is not None:
        levels.solution.append(_hours(cal, created_at, work.resolved_at))
    if work.resolution_due_at is not None and (work.resolved_at or work.resolution_overdue(now)):
        levels.solution_with_target += 1
        levels.solution_in_target += bool(work.resolved_at and work.resolved_at <= work.resolution_due_at)


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
        _add(by_department.setdefault(department_id, Levels(names.get(department_id, "?"))), work, created_at, cal, now)
        person = by_person.setdefault(work.assignee_id, Levels(work.assignee.display_name if work.assignee else ""))
        _add(person, work, created_at, cal, now)
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
