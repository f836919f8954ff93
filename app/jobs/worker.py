"""The in-process worker: a daemon thread that runs jobs when woken and sweeps periodic jobs on a timer.

Used by the embedded default (JOBS_MODE "thread", no Redis): started by the first request a process serves,
so it never starts in the reloader's watcher process, in `flask db upgrade` or other CLI commands, nor under
the test runner (TestConfig uses "eager"); `flask worker` runs the same loop in the foreground.

With the Whoosh backend only one process per index runs a worker (Whoosh has one writer): the worker holds
`<SEARCH_INDEX_DIR>/worker.lock` for its lifetime; in other processes (`gunicorn -w 2`) no thread starts and
their outbox rows are drained by the holder's sweep within JOBS_SWEEP_SECONDS.

The thread is a daemon (it never keeps a process alive on its own), so a process that exits (gunicorn's worker
after SIGTERM, `flask run` after Ctrl-C) first lets it finish the job it is running (`stop_at_exit`, at most
EXIT_WAIT_SECONDS): killed in the middle of sending, a claimed e-mail would wait MAIL_CLAIM_TIMEOUT to be sent.
"""

import atexit
import logging
import os
import threading
import time
from pathlib import Path

from app.extensions import db
from app.jobs.locks import FileLock, LockBusy
from app.jobs.registry import periodic_jobs

log = logging.getLogger(__name__)
RETRY_LOCK_SECONDS = 30
# How long an exiting process waits for the job its worker thread is running: below gunicorn's graceful_timeout
# (30 s, docs/gunicorn.conf.py), after which the master kills the process anyway.
EXIT_WAIT_SECONDS = 25.0


def worker_lock(app) -> FileLock | None:
    """The lock a worker process holds when the index is a Whoosh directory on this machine."""
    if app.config.get("SEARCH_BACKEND", "whoosh") != "whoosh":
        return None
    return FileLock(Path(app.config["SEARCH_INDEX_DIR"]) / "worker.lock")


def seed_last_runs(app) -> dict[str, float]:
    """Jobs with a period of their own (hourly, daily) keep their rhythm across restarts: their last start is read
    from job_runs and turned into this process's monotonic clock. Sweep jobs simply run at once."""
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from app.common.db import utcnow
    from app.jobs.models import JobRun

    names = [job.name for job in periodic_jobs(app) if job.every]
    if not names:
        return {}
    try:
        with app.app_context():
            rows = db.session.execute(select(JobRun.name, JobRun.last_started_at).where(JobRun.name.in_(names))).all()
            db.session.remove()
    except SQLAlchemyError:
        log.warning("jobs: could not read the last runs; periodic jobs run now", exc_info=True)
        return {}
    now_wall, now_mono = utcnow(), time.monotonic()
    return {name: now_mono - (now_wall - started).total_seconds() for name, started in rows if started is not None}


class InProcessWorker:
    def __init__(self, app, sweep_seconds: float | None = None):
        self.app = app
        self.sweep_seconds = float(sweep_seconds or app.config.get("JOBS_SWEEP_SECONDS", 10))
        self.wanted: set[str] = set()
        self.cond = threading.Condition()
        self.stopping = False
        self.last_run: dict[str, float] = seed_last_runs(app)
        self.thread: threading.Thread | None = None
        self.pid = os.getpid()

    # --- control -------------------------------------------------------------------------------------
    def wake(self, name: str) -> None:
        with self.cond:
            self.wanted.add(name)
            self.cond.notify()

    def start(self) -> "InProcessWorker":
        self.thread = threading.Thread(target=self.loop, name="otklik-jobs", daemon=True)
        self.thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        atexit.unregister(self.stop_at_exit)
        self._stop(timeout)

    def _stop(self, timeout: float) -> None:
        with self.cond:
            self.stopping = True
            self.cond.notify()
        if self.thread is not None:
            self.thread.join(timeout)

    def stop_at_exit(self) -> None:
        """At interpreter exit (atexit): let the running job finish, and take no new one. Nothing in a forked
        child, which inherits the handler but not the thread."""
        if self.alive():
            self._stop(EXIT_WAIT_SECONDS)
            if self.thread.is_alive():
                log.warning("jobs: the worker thread did not finish its job within %.0f s of exit", EXIT_WAIT_SECONDS)

    def alive(self) -> bool:
        return self.pid == os.getpid() and self.thread is not None and self.thread.is_alive()

    # --- the loop ------------------------------------------------------------------------------------
    def _interval(self, job) -> float:
        return self.sweep_seconds if not job.every else float(job.every)

    def due_periodic(self, now: float) -> set[str]:
        return {
            job.name
            for job in periodic_jobs(self.app)
            if now - self.last_run.get(job.name, float("-inf")) >= self._interval(job)
        }

    def _wait_seconds(self, now: float) -> float:
        waits = [
            self._interval(job) - (now - self.last_run.get(job.name, float("-inf"))) for job in periodic_jobs(self.app)
        ]
        return max(0.05, min(waits, default=self.sweep_seconds))

    def run_names(self, names) -> None:
        from app.jobs.runner import run_quietly

        for name in sorted(names):
            self.last_run[name] = time.monotonic()
            with self.app.app_context():
                try:
                    run_quietly(name)
                finally:
                    db.session.remove()

    def loop(self) -> None:
        while True:
            with self.cond:
                if self.stopping:
                    return
                if not self.wanted:
                    self.cond.wait(timeout=self._wait_seconds(time.monotonic()))
                if self.stopping:
                    return
                names, self.wanted = self.wanted, set()
            try:
                self.run_names(names | self.due_periodic(time.monotonic()))
            except Exception:  # the loop itself must survive anything a job does
                log.exception("jobs: the worker loop caught an error; continuing")
                time.sleep(1)

    def run_burst(self) -> None:
        """Every periodic job once (the sweep), then return."""
        self.run_names({job.name for job in periodic_jobs(self.app)})


class _NotHere:
    """This process does not run a worker (another one holds the Whoosh worker lock)."""

    def __init__(self):
        self.pid = os.getpid()
        self.since = time.monotonic()

    def alive(self) -> bool:
        return self.pid == os.getpid() and time.monotonic() - self.since < RETRY_LOCK_SECONDS


def ensure_started(app):
    """The worker thread of this process, started on first use (after a fork too); None when another process
    holds the Whoosh worker lock or JOBS_THREAD is off."""
    if not app.config.get("JOBS_THREAD", True):
        return None
    state = app.extensions.get("otklik.worker")
    if state is not None and state.alive():
        return state if isinstance(state, InProcessWorker) else None
    with _START_LOCK:
        state = app.extensions.get("otklik.worker")
        if state is not None and state.alive():
            return state if isinstance(state, InProcessWorker) else None
        lock = worker_lock(app)
        if lock is not None:
            try:
                lock.acquire(wait=0)
            except LockBusy:
                log.info(
                    "jobs: process %s runs the worker for this Whoosh index; this one only enqueues", lock.holder()
                )
                app.extensions["otklik.worker"] = _NotHere()
                return None
        worker = InProcessWorker(app)
        worker.lock = lock
        app.extensions["otklik.worker"] = worker.start()
        atexit.register(worker.stop_at_exit)
        log.info("jobs: in-process worker started (pid %s)", os.getpid())
        return worker


_START_LOCK = threading.Lock()


def wake(app, name: str) -> None:
    """Wake this process's worker thread; a web request starts it if needed. A CLI command (`flask demo`,
    imports) starts none: its rows wait for the web process's sweep or `flask worker`."""
    from flask import has_request_context

    if has_request_context():
        worker = ensure_started(app)
    else:
        state = app.extensions.get("otklik.worker")
        worker = state if isinstance(state, InProcessWorker) and state.alive() else None
    if worker is not None:
        worker.wake(name)
