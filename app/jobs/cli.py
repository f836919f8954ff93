"""`flask worker`: run background jobs; `flask stats`: queues, dead letters, index lag, database size, job runs."""

import json
import logging
import threading
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from app.jobs import queue
from app.jobs.locks import LockBusy
from app.jobs.registry import periodic_jobs
from app.jobs.worker import InProcessWorker, worker_lock

log = logging.getLogger(__name__)


def _take_worker_lock(app):
    lock = worker_lock(app)
    if lock is None:
        return None
    try:
        return lock.acquire(wait=0)
    except LockBusy:
        raise click.ClickException(
            f"Another worker (process {lock.holder()}) already writes the Whoosh index in "
            f"{app.config['SEARCH_INDEX_DIR']}. Whoosh allows one writer, so Otklik runs one worker per index; "
            "the embedded Whoosh backend is for single-node installs (use SEARCH_BACKEND=postgres for several "
            "nodes or workers)."
        ) from None


def _sweeper(app, stop: threading.Event) -> None:
    """RQ mode: enqueue every periodic job on its schedule (the outboxes' safety net)."""
    worker = InProcessWorker(app)
    while not stop.is_set():
        now = time.monotonic()
        every = {job.name: job.every for job in periodic_jobs(app)}
        for name in sorted(worker.due_periodic(now)):
            worker.last_run[name] = now
            with app.app_context():
                queue.enqueue_periodic(name, every[name])
        stop.wait(worker._wait_seconds(time.monotonic()))


def _run_rq(app, burst: bool) -> None:
    from rq import SimpleWorker

    with app.app_context():
        if burst:
            for job in periodic_jobs(app):
                queue.enqueue(job.name)
        connection = queue.worker_connection(app)
        rq_queue = queue.rq_queue(app, connection)
    stop = threading.Event()
    if not burst:
        threading.Thread(target=_sweeper, args=(app, stop), name="otklik-sweep", daemon=True).start()
    try:
        # SimpleWorker runs jobs in this process (no fork): the app, its engine and connection pool stay valid.
        SimpleWorker([rq_queue], connection=connection).work(
            burst=burst, with_scheduler=False, logging_level=app.config.get("LOG_LEVEL", "INFO")
        )
    finally:
        stop.set()


@click.command("worker")
@click.option("--burst", is_flag=True, help="Drain every outbox once (and, with RQ, the waiting jobs), then exit.")
@with_appcontext
def worker_command(burst: bool):
    """Run background jobs: an RQ worker when Redis is configured, else the in-process loop in the foreground."""
    app = current_app._get_current_object()
    lock = _take_worker_lock(app)
    mode = queue.mode(app)
    click.echo(
        f"otklik worker: mode {mode if mode == 'rq' else 'in-process'}, "
        f"sweep every {app.config.get('JOBS_SWEEP_SECONDS')} s" + (" (burst)" if burst else "")
    )
    if lock is not None and mode == "rq":
        click.echo(
            "note: the search index is the embedded Whoosh directory on this machine, which is for single-node "
            "installs: run the web process and this one worker here; several nodes use SEARCH_BACKEND=postgres."
        )
    try:
        if mode == "rq":
            _run_rq(app, burst)
            return
        worker = InProcessWorker(app)
        if burst:
            worker.run_burst()
            return
        try:
            worker.loop()
        except KeyboardInterrupt:
            click.echo("stopped")
    finally:
        if lock is not None:
            lock.release()


@click.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@with_appcontext
def stats_command(as_json: bool):
    """Queue lengths, dead letters, index lag, database size and the last run of each periodic job."""
    from app.jobs.stats import collect, format_lines

    data = collect()
    if as_json:
        click.echo(json.dumps(data, default=str, indent=2))
        return
    for line in format_lines(data):
        click.echo(line)
