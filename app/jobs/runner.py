"""Running one job: the same function for every queue mode (eager, the in-process thread, RQ workers).

`run_job(name)` needs an application context; `rq_entry(name)` is what RQ workers call (it builds the app
when the worker process has none). Each run is recorded in `job_runs`; recording never breaks the job.
"""

import logging
import time

from flask import current_app, has_app_context
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.common.db import utcnow
from app.extensions import db
from app.jobs.models import JobRun
from app.jobs.registry import get_job

log = logging.getLogger(__name__)
ERROR_MAX = 2000


class UnknownJob(LookupError):
    pass


def _record(name: str, *, started=None, result=None, error: str | None = None, finished: bool = False) -> None:
    """Write a run into job_runs: its start (`started` alone), its end (`finished`), or both in one commit."""
    try:
        with Session(db.engine) as session:
            row = session.get(JobRun, name) or JobRun(name=name, runs=0, failures=0)
            session.add(row)
            if started is not None:
                row.last_started_at = started
                row.runs = (row.runs or 0) + 1
            if finished and error is None:
                row.last_success_at = utcnow()
                row.last_result = str(result)[:300] if result is not None else None
            elif finished:
                row.last_failure_at = utcnow()
                row.last_error = error[:ERROR_MAX]
                row.failures = (row.failures or 0) + 1
            session.commit()
    except SQLAlchemyError:  # two workers creating the same row at once, or the database is away
        log.warning("jobs: could not record a run of %s", name, exc_info=True)


def run_job(name: str):
    """Run the registered job `name` now, in this process. Exceptions propagate (the caller logs them)."""
    job = get_job(name)
    if job is None:
        raise UnknownJob(name)
    from app.jobs import queue

    queue.mark_started(name)
    started = utcnow()
    # A job with a period of its own (hourly, daily) records its start at once: a restart keeps its rhythm from
    # it (worker.seed_last_runs). A drain, run after nearly every write, records start and end in one commit.
    own_period = bool(job.every)
    if own_period:
        _record(name, started=started)
    begun = time.monotonic()
    started = None if own_period else started
    try:
        result = job.func()
    except Exception as error:
        _record(name, started=started, error=f"{type(error).__name__}: {error}", finished=True)
        raise
    _record(name, started=started, result=result, finished=True)
    log.debug("job %s done in %.0f ms: %s", name, (time.monotonic() - begun) * 1000, result)
    return result


def run_quietly(name: str):
    """Run a job and log (never raise) a failure: the outbox rows stay for the next run."""
    try:
        return run_job(name)
    except Exception:
        log.exception("job %s failed; its outbox rows stay for the next run", name)
        return None


_WORKER_APP = None


def rq_entry(name: str):
    """The function RQ workers execute: inside `flask worker` the app is there; under a bare `rq worker` the
    app is built once per worker process."""
    global _WORKER_APP
    if has_app_context():  # `flask worker`: a context of its own per job (a fresh session, removed after)
        with current_app._get_current_object().app_context():
            try:
                return str(run_job(name))
            finally:
                db.session.remove()
    if _WORKER_APP is None:
        from app import create_app

        _WORKER_APP = create_app()
    with _WORKER_APP.app_context():
        return str(run_job(name))


def setting(name: str, default):
    return current_app.config.get(name, default) if has_app_context() else default
