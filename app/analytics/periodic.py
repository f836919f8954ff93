"""The analytics work that runs on a schedule, as plain functions a job queue can call (and `flask analytics`
commands call today). Each commits its own work.

| function                 | what                                                   | how often      |
| ------------------------ | ------------------------------------------------------ | -------------- |
| `rollup_pending()`       | rebuild the days queued in rollup_outbox               | every minute (deferred mode) |
| `sweep(now)`             | the outbox, then yesterday and today again (a late      | nightly, ~00:15 UTC |
|                          | write, a bulk import that bypassed the ORM)             |                |
| `mood_alerts(now)`       | mood alerts: raise (and mail) / clear                   | hourly         |
| `visits.flush()`         | buffered page views                                     | every 10 s     |
"""

from collections.abc import Callable
from datetime import date, datetime, timedelta

from app.analytics import rollup_outbox, rollups
from app.extensions import db


def rollup_pending() -> int:
    return rollup_outbox.drain()


def rebuild(since: date, until: date, progress: Callable[[date], None] | None = None) -> int:
    """Rebuild every day from `since` to `until` (inclusive) from the raw rows; idempotent. One commit per day."""
    count = 0
    for day in rollups.days_between(since, until):
        rollups.rebuild_day(day)
        db.session.commit()
        count += 1
        if progress is not None:
            progress(day)
    return count


def sweep(now: datetime) -> int:
    """The nightly pass: whatever is queued, then yesterday and today from scratch. Returns days rebuilt."""
    done = rollup_outbox.drain()
    return done + rebuild(now.date() - timedelta(days=1), now.date())


def mood_alerts(now: datetime) -> int:
    from app.analytics.mood_alerts import check_mood_alerts

    raised = check_mood_alerts(now)
    db.session.commit()
    return len(raised)
