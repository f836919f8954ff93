"""What background work exists: named jobs and the outboxes they drain.

A feature registers, from its init_app:
- `register_job(name, func, every=None)`: `func()` runs in an application context and drains something;
  `every` (seconds) makes it periodic: the sweep runs it even when nobody enqueued it, so a lost job
  never loses work (the outbox tables are the source of truth, a job only drains them).
- `register_outbox(OutboxSource(...))`: how to count pending rows and dead letters and how to retry them,
  for /readyz, `flask stats`, /admin/system and the dead-letter page.

Nothing here imports a feature; notifications fan-out, analytics roll-ups and imports register the same way.
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Job:
    name: str
    func: Callable[[], Any]
    every: float | None = None  # seconds between runs; SWEEP: every JOBS_SWEEP_SECONDS; None: only when enqueued


@dataclass(frozen=True)
class DeadLetter:
    id: int
    what: str        # e.g. "topic 12" or "to carol@example.com: New answer"
    attempts: int
    last_error: str
    failed_at: datetime | None


@dataclass(frozen=True)
class OutboxSource:
    name: str                                   # "search", "mail"
    label: Any                                  # translated label (lazy string)
    job: str                                    # the job that drains it
    pending: Callable[[], int]
    oldest_pending: Callable[[], datetime | None]
    dead_count: Callable[[], int]
    dead_letters: Callable[[int], list[DeadLetter]]
    retry: Callable[[list[int] | None], int]    # ids, or None for all; returns how many; caller commits
    extra: dict = field(default_factory=dict)


SWEEP = 0.0  # `every`: at each sweep of the worker (JOBS_SWEEP_SECONDS)
_JOBS: dict[str, Job] = {}
_OUTBOXES: dict[str, OutboxSource] = {}


def register_job(name: str, func: Callable[[], Any], every: float | None = None) -> None:
    _JOBS[name] = Job(name, func, every)


def register_outbox(source: OutboxSource) -> None:
    _OUTBOXES[source.name] = source


def get_job(name: str) -> Job | None:
    return _JOBS.get(name)


def jobs() -> list[Job]:
    return sorted(_JOBS.values(), key=lambda job: job.name)


def periodic_jobs() -> list[Job]:
    return [job for job in jobs() if job.every is not None]


def outboxes() -> list[OutboxSource]:
    return [_OUTBOXES[name] for name in sorted(_OUTBOXES)]


def get_outbox(name: str) -> OutboxSource | None:
    return _OUTBOXES.get(name)
