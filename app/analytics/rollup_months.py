"""Monthly roll-ups: a period's whole months are read from monthly_service_hours, monthly_service_counts and
monthly_funnel, its days at either end from the daily tables (app/analytics/rollups.py writes both)."""

from datetime import date, timedelta

from sqlalchemy import Date, delete, func, insert, literal, select

from app.analytics.rollup_models import (
    FUNNEL_COLUMNS,
    DailyFunnel,
    MonthlyFunnel,
    MonthlyServiceCounts,
    MonthlyServiceHours,
    TopicService,
    pack_hours,
)


def as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def month_of(day: date) -> date:
    return day.replace(day=1)


def month_end(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def rebuild_service_months(s, months) -> None:
    """monthly_service_hours (sorted, packed times) and monthly_service_counts (the target counts that do not change
    with the clock) of each month written afresh from its topic_service rows."""
    t = TopicService
    for month in sorted(months):
        s.execute(delete(MonthlyServiceHours).where(MonthlyServiceHours.month == month))
        s.execute(delete(MonthlyServiceCounts).where(MonthlyServiceCounts.month == month))
        times: dict[tuple[int, int], tuple[list[float], list[float]]] = {}
        counts: dict[tuple[int, int], list[int]] = {}
        clocks = select(
            t.department_id,
            t.assignee_id,
            t.first_response_hours,
            t.solution_hours,
            t.first_response_at,
            t.first_response_due_at,
            t.resolved_at,
            t.resolution_due_at,
        ).where(t.day.between(month, month_end(month)))
        for department, person, first, solution, answered, first_due, resolved, due in s.execute(clocks).all():
            key = (department, person or 0)
            lists = times.setdefault(key, ([], []))
            if first is not None:
                lists[0].append(first)
            if solution is not None:
                lists[1].append(solution)
            row = counts.setdefault(key, [0, 0, 0, 0, 0])
            row[0] += 1
            if first_due is not None and answered is not None:
                row[1] += 1
                row[2] += answered <= first_due
            if due is not None and resolved is not None:
                row[3] += 1
                row[4] += resolved <= due
        values = [
            {
                "month": month,
                "department_id": department,
                "assignee_id": person,
                "first_response_hours": pack_hours(sorted(first)),
                "solution_hours": pack_hours(sorted(solution)),
            }
            for (department, person), (first, solution) in times.items()
        ]
        if values:
            s.execute(insert(MonthlyServiceHours.__table__), values)
        names = ("topics", "first_answered", "first_in_target", "solution_resolved", "solution_in_target")
        values = [
            {"month": month, "department_id": department, "assignee_id": person, **dict(zip(names, row, strict=True))}
            for (department, person), row in counts.items()
        ]
        if values:
            s.execute(insert(MonthlyServiceCounts.__table__), values)


def rebuild_funnel_months(s, months) -> None:
    """monthly_funnel of each month summed afresh from its daily_funnel rows."""
    f = DailyFunnel
    for month in sorted(months):
        s.execute(delete(MonthlyFunnel).where(MonthlyFunnel.month == month))
        sums = [func.sum(getattr(f, c)) for c in FUNNEL_COLUMNS]
        s.execute(
            insert(MonthlyFunnel.__table__).from_select(
                ["month", "channel", "category_id", *FUNNEL_COLUMNS],
                select(literal(month, Date), f.channel, f.category_id, *sums)
                .where(f.day.between(month, month_end(month)))
                .group_by(f.channel, f.category_id),
            )
        )


def fill_funnel_months(s) -> int:
    """Every month with funnel rows summed afresh (bulk loads); returns how many."""
    months = {month_of(as_date(d)) for d in s.scalars(select(DailyFunnel.day).distinct())}
    s.execute(delete(MonthlyFunnel))
    rebuild_funnel_months(s, months)
    return len(months)


def whole_months(period) -> tuple[list[date], list]:
    """(the first days of the months wholly inside the period, the periods of its days outside them)."""
    from app.analytics.periods import Period

    month = month_of(period.start)
    if month < period.start:
        month = month_end(month) + timedelta(days=1)
    months = []
    while month_end(month) <= period.end:
        months.append(month)
        month = month_end(month) + timedelta(days=1)
    if not months:
        return [], [period]
    edges = []
    if period.start < months[0]:
        edges.append(Period(period.start, months[0] - timedelta(days=1)))
    after = month_end(months[-1]) + timedelta(days=1)
    if after <= period.end:
        edges.append(Period(after, period.end))
    return months, edges


def fill_service_months(s) -> int:
    """Every month with clocks written afresh (bulk loads); returns how many."""
    months = {month_of(as_date(d)) for d in s.scalars(select(TopicService.day).distinct())}
    s.execute(delete(MonthlyServiceHours))
    s.execute(delete(MonthlyServiceCounts))
    rebuild_service_months(s, months)
    return len(months)
