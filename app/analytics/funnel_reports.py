"""The deflection funnel per channel and per category, this period against the previous one (roll-ups of
app/analytics/rollups.py, today live). A lead sees the categories of their departments only; drafts whose
category is not known (the customer chose none and opened nothing) show as "Category not known" to
administrators."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.analytics import rollup_months, rollups
from app.analytics.periods import Period
from app.analytics.reports import Funnel
from app.analytics.rollup_models import DailyFunnel, MonthlyFunnel
from app.analytics.rollup_reads import split
from app.community import kinds
from app.community.models import Category
from app.extensions import db

CHANNEL, CATEGORY = "channel", "category"


@dataclass
class FunnelRow:
    key: str | int
    name: str
    now: Funnel
    before: Funnel


def _funnel(counts: dict[str, int]) -> Funnel:
    return Funnel(*(counts[c] for c in ("shown", "clicked", "deflected", "posted_after", "posted_total")))


def _categories(departments) -> dict[int, str]:
    stmt = select(Category.id, Category.name).order_by(Category.position, Category.name)
    if departments is not None:
        stmt = stmt.where(Category.department_id.in_(departments or [-1]))
    return dict(db.session.execute(stmt).all())


def _totals(period: Period, by: str, allowed: set[int] | None) -> dict:
    """{channel or category id: counts} of the drafts that began in the period."""
    stored, live = split(period)
    totals: dict = {}

    def add(key, counts) -> None:
        row = totals.setdefault(key, dict.fromkeys(rollups.FUNNEL_COLUMNS, 0))
        for name in rollups.FUNNEL_COLUMNS:
            row[name] += int(counts[name] or 0)

    if stored is not None:
        # Whole months from monthly_funnel, the days outside them from daily_funnel.
        months, edges = rollup_months.whole_months(stored)
        parts = [(MonthlyFunnel, MonthlyFunnel.month.in_(months))] if months else []
        parts += [(DailyFunnel, DailyFunnel.day.between(edge.start, edge.end)) for edge in edges]
        for table, in_period in parts:
            column = table.channel if by == CHANNEL else table.category_id
            scope = [in_period]
            if allowed is not None:
                scope.append(table.category_id.in_(allowed or [-1]))
            sums = [func.sum(getattr(table, c)) for c in rollups.FUNNEL_COLUMNS]
            for key, *values in db.session.execute(select(column, *sums).where(*scope).group_by(column)):
                add(key, dict(zip(rollups.FUNNEL_COLUMNS, values, strict=True)))
    for (channel, category), counts in live.funnel.items() if live else ():
        if allowed is None or category in allowed:
            add(channel if by == CHANNEL else category, counts)
    return totals


def breakdown(period: Period, by: str, departments=None) -> list[FunnelRow]:
    """One row per channel (or category) with drafts in the period or the one before, in a stable order."""
    names = _categories(departments)
    allowed = None if departments is None else set(names)
    now, before = _totals(period, by, allowed), _totals(period.previous(), by, allowed)
    empty = dict.fromkeys(rollups.FUNNEL_COLUMNS, 0)
    rows = []
    for key in sorted(set(now) | set(before), key=lambda k: (k == 0, str(names.get(k, k)))):
        if by == CHANNEL:
            name = str(kinds.CHANNEL_LABELS.get(key, key))
        else:
            name = names.get(key) or _("Category not known")
        rows.append(FunnelRow(key, name, _funnel(now.get(key, empty)), _funnel(before.get(key, empty))))
    return rows
