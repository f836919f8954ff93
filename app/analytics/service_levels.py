"""Service levels per department and representative: first official response time and time to solution in
the department's working hours (median and 90th percentile), the share within the department's targets, and the
backlog and overdue topics now."""

from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import and_, case, func, or_, select

from app.analytics import rollup_months, rollups
from app.analytics.periods import Period
from app.analytics.rollup_models import (
    CLOCK_COLUMNS,
    MonthlyServiceCounts,
    MonthlyServiceHours,
    TopicService,
    unpack_hours,
)
from app.analytics.rollup_reads import in_scope, split
from app.auth.models import User
from app.community.models import Topic
from app.extensions import db
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


def _add(levels: Levels, work, first_hours: float | None, solution_hours: float | None, now: datetime) -> None:
    """Count one topic's clock (a TopicWork or its TopicService roll-up) with its times in working hours."""
    levels.topics += 1
    if first_hours is not None:
        levels.first_response.append(first_hours)
    if work.first_response_due_at is not None and (work.first_response_at or work.first_response_due_at <= now):
        levels.first_with_target += 1
        levels.first_in_target += bool(work.first_response_at and work.first_response_at <= work.first_response_due_at)
    if solution_hours is not None:
        levels.solution.append(solution_hours)
    resolution_late = (
        not work.waiting_for_customer and work.resolution_due_at is not None and work.resolution_due_at <= now
    )
    if work.resolution_due_at is not None and (work.resolved_at or resolution_late):
        levels.solution_with_target += 1
        levels.solution_in_target += bool(work.resolved_at and work.resolved_at <= work.resolution_due_at)


def _scope(stored: Period, departments) -> list:
    scope = [TopicService.day.between(stored.start, stored.end)]
    if departments is not None:
        scope.append(TopicService.department_id.in_(departments or [-1]))
    return scope


def _clocks(period: Period, departments) -> list:
    """The topic_service rows (as plain rows) of topics created in the period: stored ones, today's live."""
    stored, live = split(period)
    rows: list = []
    if stored is not None:
        rows = db.session.execute(
            select(*(getattr(TopicService, c) for c in CLOCK_COLUMNS)).where(*_scope(stored, departments))
        ).all()
    if live is not None:
        rows += [SimpleNamespace(**r) for r in live.service if in_scope(r["department_id"], departments)]
    return rows


AGGREGATE_IN_SQL = True  # False: every clock read and counted in Python (bench/analytics_scale.py "before")
_COUNTS = ("topics", "first_with_target", "first_in_target", "solution_with_target", "solution_in_target")


def _target_counts(now: datetime):
    """The counts of _add() as SQL sums, per (department, representative)."""
    t = TopicService
    first_with = and_(
        t.first_response_due_at.is_not(None), or_(t.first_response_at.is_not(None), t.first_response_due_at <= now)
    )
    first_in = and_(first_with, t.first_response_at.is_not(None), t.first_response_at <= t.first_response_due_at)
    late = and_(t.waiting_for_customer.is_(False), t.resolution_due_at.is_not(None), t.resolution_due_at <= now)
    solution_with = and_(t.resolution_due_at.is_not(None), or_(t.resolved_at.is_not(None), late))
    solution_in = and_(solution_with, t.resolved_at.is_not(None), t.resolved_at <= t.resolution_due_at)
    return [func.count()] + [
        func.sum(case((c, 1), else_=0)) for c in (first_with, first_in, solution_with, solution_in)
    ]


def _stored_counts(months: list, edges: list[Period], departments, now: datetime, level_of) -> None:
    """The target counts of the stored clocks per (department, representative): the whole months' from
    monthly_service_counts plus their open clocks whose target has passed, the partial months' summed by the
    database from topic_service."""
    keys = (TopicService.department_id, TopicService.assignee_id)

    def add(department, person, counts, names=_COUNTS) -> None:
        for levels in level_of(department, person):
            for name, value in zip(names, counts, strict=True):
                setattr(levels, name, getattr(levels, name) + int(value or 0))

    if months:
        # Whole months: the counts that do not change with the clock from monthly_service_counts, and the open
        # clocks whose target has passed (they count against it) live from topic_service's open-clock index.
        c = MonthlyServiceCounts
        where = [c.month.in_(months)]
        if departments is not None:
            where.append(c.department_id.in_(departments or [-1]))
        columns = (c.topics, c.first_answered, c.first_in_target, c.solution_resolved, c.solution_in_target)
        for department, person, *counts in db.session.execute(
            select(c.department_id, c.assignee_id, *columns).where(*where)
        ):
            add(department, person or None, counts)
        t = TopicService
        first_passed = and_(t.first_response_at.is_(None), t.first_response_due_at <= now)
        late = and_(t.resolved_at.is_(None), t.waiting_for_customer.is_(False), t.resolution_due_at <= now)
        whole = Period(months[0], rollup_months.month_end(months[-1]))
        for department, person, *counts in db.session.execute(
            select(*keys, *(func.sum(case((term, 1), else_=0)) for term in (first_passed, late)))
            .where(*_scope(whole, departments), or_(t.first_response_at.is_(None), t.resolved_at.is_(None)))
            .group_by(*keys)
        ):
            add(department, person, counts, ("first_with_target", "solution_with_target"))
    for edge in edges:
        for department, person, *counts in db.session.execute(
            select(*keys, *_target_counts(now)).where(*_scope(edge, departments)).group_by(*keys)
        ):
            add(department, person, counts)


def _stored_in_sql(stored: Period, departments, now: datetime, level_of) -> None:
    """The stored clocks of the period: the target counts summed by the database, and only the two times per
    topic read for the percentiles (no dates to parse), per (department, representative)."""
    keys = (TopicService.department_id, TopicService.assignee_id)
    months, edges = _whole_months(stored)
    _stored_counts(months, edges, departments, now, level_of)
    # The times per (department, representative): the period's whole months from monthly_service_hours (sorted
    # lists, a few hundred rows), its partial months from topic_service; each run sorted, then added to its two
    # Levels (report() sorts the joined lists: linear merges of sorted runs).
    times: dict[tuple, tuple[list[float], list[float]]] = {}

    def run(department, person) -> tuple[list[float], list[float]]:
        lists = times.get((department, person))
        if lists is None:
            lists = times[(department, person)] = ([], [])
        return lists

    if months:
        m = MonthlyServiceHours
        where = [m.month.in_(months)]
        if departments is not None:
            where.append(m.department_id.in_(departments or [-1]))
        query = select(m.department_id, m.assignee_id, m.first_response_hours, m.solution_hours).where(*where)
        for department, person, first, solution in db.session.connection().execute(query).all():
            lists = run(department, person or None)
            lists[0].extend(unpack_hours(first))
            lists[1].extend(unpack_hours(solution))
    for edge in edges:
        query = select(*keys, TopicService.first_response_hours, TopicService.solution_hours).where(
            *_scope(edge, departments)
        )
        # Plain rows fetched at once: no ORM loading, and not one cursor fetch per row (SQLite's driver otherwise).
        for department, person, first, solution in db.session.connection().execute(query).all():
            lists = run(department, person)
            if first is not None:
                lists[0].append(first)
            if solution is not None:
                lists[1].append(solution)
    for (department, person), (first, solution) in times.items():
        first.sort()
        solution.sort()
        for levels in level_of(department, person):
            levels.first_response.extend(first)
            levels.solution.extend(solution)


_whole_months = rollup_months.whole_months


def report(period: Period, now: datetime, departments=None) -> tuple[list[Levels], list[Levels]]:
    """(per department, per representative) for topics created in the period; backlog and overdue are now."""
    scope = [rollups.LIVE]  # not "IS false": SQLite would walk every live topic instead of the open clocks
    if departments is not None:
        scope.append(Topic.department_id.in_(departments or [-1]))
    by_department: dict[int, Levels] = {}
    by_person: dict[int | None, Levels] = {}
    names = {d.id: d.name for d in db.session.scalars(select(Department))}

    def level_of(department_id, person_id) -> tuple[Levels, Levels]:
        department = by_department.setdefault(department_id, Levels(names.get(department_id, "?")))
        return department, by_person.setdefault(person_id, Levels(""))

    stored, live = split(period)
    if AGGREGATE_IN_SQL and stored is not None:
        _stored_in_sql(stored, departments, now, level_of)
        clocks = (
            [SimpleNamespace(**r) for r in live.service if in_scope(r["department_id"], departments)] if live else []
        )
    else:
        clocks = _clocks(period, departments)
    for clock in clocks:
        for levels in level_of(clock.department_id, clock.assignee_id):
            _add(levels, clock, clock.first_response_hours, clock.solution_hours, now)
    people = [i for i in by_person if i is not None]
    if people:
        for person_id, name in db.session.execute(select(User.id, User.display_name).where(User.id.in_(people))):
            by_person[person_id].name = name
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
    for levels in (*by_department.values(), *by_person.values()):
        levels.first_response.sort()  # once: percentile() then finds them in order (a linear pass, no sort)
        levels.solution.sort()
    ordered = sorted(by_department.values(), key=lambda levels: levels.name)
    people = sorted(by_person.values(), key=lambda levels: (levels.name == "", levels.name))
    return ordered, people
