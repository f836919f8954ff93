"""Moods of new topics per category (with its department) over the period, against the previous period, from
the roll-ups (today live); a lead sees their departments only."""

from dataclasses import dataclass

from sqlalchemy import func, select

from app.analytics import rollups
from app.analytics.periods import Period
from app.analytics.rollup_models import DailyActivity
from app.analytics.rollup_reads import in_scope, split
from app.community import kinds
from app.community.models import Category
from app.extensions import db
from app.staff.models import Department

MOODS = tuple(rollups.MOOD_COLUMNS.items())  # (mood, column)


@dataclass
class MoodRow:
    category: str
    department: str
    counts: dict[str, int]
    upset_before: float | None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def upset_share(self) -> float | None:
        return self.counts.get(kinds.UPSET, 0) / self.total if self.total else None


def _counts(period: Period, departments) -> dict[tuple[int, int], dict[str, int]]:
    stored, live = split(period)
    result: dict[tuple[int, int], dict[str, int]] = {}

    def add(key, values) -> None:
        row = result.setdefault(key, dict.fromkeys(kinds.MOODS, 0))
        for mood, value in values.items():
            row[mood] += int(value or 0)

    if stored is not None:
        scope = [DailyActivity.day.between(stored.start, stored.end)]
        if departments is not None:
            scope.append(DailyActivity.department_id.in_(departments or [-1]))
        keys = (DailyActivity.category_id, DailyActivity.department_id)
        sums = [func.sum(getattr(DailyActivity, column)) for _mood, column in MOODS]
        for category, department, *values in db.session.execute(select(*keys, *sums).where(*scope).group_by(*keys)):
            add((category, department), dict(zip((m for m, _c in MOODS), values, strict=True)))
    for (category, department, _channel), values in live.activity.items() if live else ():
        if in_scope(department, departments):
            add((category, department), {mood: values[column] for mood, column in MOODS})
    return {key: counts for key, counts in result.items() if any(counts.values())}


def by_category(period: Period, departments=None) -> list[MoodRow]:
    now, before = _counts(period, departments), _counts(period.previous(), departments)
    categories = dict(db.session.execute(select(Category.id, Category.name)).all()) if now else {}
    names = dict(db.session.execute(select(Department.id, Department.name)).all()) if now else {}
    rows = []
    for (category, department), counts in now.items():
        earlier = before.get((category, department))
        total_before = sum(earlier.values()) if earlier else 0
        rows.append(
            MoodRow(
                categories.get(category, "—"),
                names.get(department, "—"),
                counts,
                earlier[kinds.UPSET] / total_before if total_before else None,
            )
        )
    return sorted(rows, key=lambda r: (-(r.upset_share or 0), r.category, r.department))
