"""What the dashboard reads: the stored roll-ups for the days before today, and today's part computed live from
the raw rows (once per request), so the figures are current even while the roll-up job is behind."""

from datetime import date, timedelta

from flask import g

from app.analytics import rollups
from app.analytics.periods import Period
from app.common.db import utcnow


def split(period: Period) -> tuple[Period | None, rollups.DayRows | None]:
    """(the stored part of the period or None, today's live rows or None)."""
    today = utcnow().date()
    stored_end = min(period.end, today - timedelta(days=1))
    stored = Period(period.start, stored_end) if period.start <= stored_end else None
    live = live_rows(today) if period.start <= today <= period.end else None
    return stored, live


def live_rows(day: date) -> rollups.DayRows:
    cache = g.setdefault("_otklik_live_rollups", {})
    if day not in cache:
        cache[day] = rollups.day_rows(day)
    return cache[day]


def in_scope(department_id: int, departments) -> bool:
    return departments is None or department_id in departments
