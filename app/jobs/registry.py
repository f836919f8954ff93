"""What background work exists: named jobs and the outboxes they drain, per application.

A feature registers, from its init_app:
- `register_job(app, name, func, every=None)`: `func()` runs in an application context and drains something
  (or rolls something up); `every` (seconds, or SWEEP) makes it periodic: the worker runs it on that schedule
  even when nobody enqueued it, so a lost job never loses work (the outbox tables are the source of truth, a
  job only drains them).
- `register_outbox(app, OutboxSource(...))`: how to count pending rows and dead letters and how to retry them,
  for /readyz, `flask stats`, /admin/system and the dead-letter page.

Nothing here imports a feature; analytics roll-ups, mood alerts and imports register the same way.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app


@dataclass(frozen=True)
class Job:
    name: str
    func: Callable[[], Any]
    every: float | None = None  # seconds between runs; SWEEP: every JOBS_SWEEP_SECONDS; None: only when enqueued


@dataclass(frozen=True)
class DeadLetter:
    id: int
    what: str  # e.g. "topic 12" or "carol@example.com: New answer"
    attempts: int
    last_error: str
    failed_at: datetime | None


@dataclass(frozen=True)
class OutboxSource:
    name: str  # "search", "mail"
    label: Any  # translated label (lazy string)
    job: str  # the job that drains it
    pending: Callable[[], int]
    oldest_pending: Callable[[], datetime | None]
    dead_count: Callable[[], int]
    dead_letters: Callable[[int], list[DeadLetter]]
    retry: Callable[[list[int] | None], int]  # ids, or None for all; returns how many; the caller commits


SWEEP = 0.0  # `every`: at each sweep of the worker (JOBS_SWEEP_SECONDS)


def _registry(app=None) -> dict:
    app = app or current_app
    return app.extensions.setdefault("otklik.jobs", {"jobs": {}, "outboxes": {}})


def register_job(app, name: str, func: Callable[[], Any], every: float | None = None) -> None:
    _registry(app)["jobs"][name] = Job(name, func, every)


def register_periodic(app, name: str, func: Callable[[], Any], every: float) -> None:
    """A plain function run every `every` seconds by the worker (`flask worker`, or the in-process thread of the
    embedded default), e.g. `register_periodic(app, "analytics.mood_alerts", lambda: check_mood_alerts(utcnow()),
    every=3600)`. It runs in an application context of its own; its session is committed when it returns and
    rolled back when it raises. With several RQ workers only one of them enqueues it per period; across restarts
    the last start (job_runs) keeps the rhythm."""

    def run():
        from app.extensions import db

        try:
            result = func()
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        return len(result) if isinstance(result, list | tuple | set) else result

    register_job(app, name, run, every=float(every))


def register_outbox(app, source: OutboxSource) -> None:
    _registry(app)["outboxes"][source.name] = source


def get_job(name: str, app=None) -> Job | None:
    return _registry(app)["jobs"].get(name)


def jobs(app=None) -> list[Job]:
    return sorted(_registry(app)["jobs"].values(), key=lambda job: job.name)


def periodic_jobs(app=None) -> list[Job]:
    return [job for job in jobs(app) if job.every is not None]


def outboxes(app=None) -> list[OutboxSource]:
    boxes = _registry(app)["outboxes"]
    return [boxes[name] for name in sorted(boxes)]


def get_outbox(name: str, app=None) -> OutboxSource | None:
    return _registry(app)["outboxes"].get(name)
