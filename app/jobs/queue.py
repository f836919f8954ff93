"""Handing work to the background: `enqueue(name)` after a commit that wrote outbox rows.

JOBS_MODE (empty: "rq" when REDIS_URL is set, else "thread"):
- "rq":     a job on the RQ queue JOBS_QUEUE in Redis; `flask worker` processes run it. Enqueues of a job
            that is already waiting are coalesced (one Redis SET NX), so a burst of posts makes one drain.
- "thread": the in-process worker thread of this process is woken (the embedded default, `make run`).
- "eager":  the job runs right here, synchronously, through the same function a worker runs. For tests
            (TestConfig) and scripts that want the effect before the call returns; never a production default.
- "off":    nothing now; the periodic sweep of `flask worker` (or `flask search sync` / `flask notify send`)
            drains the outboxes.
A failed enqueue is logged and never breaks the request: the rows wait in the outbox for the sweep.
"""

import logging

from flask import current_app, has_app_context

from app.common import redis_conn

log = logging.getLogger(__name__)
MODES = ("rq", "thread", "eager", "off")
COALESCE_SECONDS = 60


def mode(app=None) -> str:
    app = app or current_app
    configured = (app.config.get("JOBS_MODE") or "").strip().lower()
    if configured:
        return configured
    return "rq" if app.config.get("REDIS_URL") else "thread"


def check_config(config) -> None:
    configured = (config.get("JOBS_MODE") or "").strip().lower()
    if configured and configured not in MODES:
        raise RuntimeError(f"JOBS_MODE must be one of {', '.join(MODES)} (or empty for automatic)")
    if configured == "rq" and not config.get("REDIS_URL"):
        raise RuntimeError("JOBS_MODE=rq needs REDIS_URL")


def redis_connection(app=None):
    """The application's shared Redis client (app/common/redis_conn.py: short timeouts)."""
    return redis_conn.client(app or current_app._get_current_object())


def worker_connection(app=None):
    """A client of its own for an RQ worker: RQ raises its socket timeout above its blocking dequeue's, which must
    not reach the short timeouts of the client the web side shares."""
    import redis

    app = app or current_app._get_current_object()
    return redis.Redis.from_url(app.config["REDIS_URL"], **redis_conn.timeouts(app))


def rq_queue(app=None, connection=None):
    from rq import Queue

    app = app or current_app
    return Queue(queue_name(app), connection=connection or redis_connection(app))


def queue_name(app=None) -> str:
    """The RQ queue of this install: JOBS_QUEUE, else REDIS_PREFIX."""
    app = app or current_app
    return app.config.get("JOBS_QUEUE") or redis_conn.prefix(app)


def _job_key(kind: str, name: str, app=None) -> str:
    """This install's Redis key of job `name`'s `kind` marker (waiting: enqueued, not started; scheduled)."""
    app = app or current_app
    return f"{redis_conn.prefix(app)}:{queue_name(app)}:{kind}:{name}"


def enqueue(name: str) -> None:
    """Ask the background to run job `name` soon. Never raises."""
    if not has_app_context():
        return
    current = mode()
    try:
        if current == "eager":
            from app.jobs.runner import run_quietly

            # its own application context, as in a worker: a fresh `g` and database session (the caller's may be
            # inside its after_commit hook, where it can no longer run SQL)
            with current_app._get_current_object().app_context():
                run_quietly(name)
        elif current == "thread":
            from app.jobs.worker import wake

            wake(current_app._get_current_object(), name)
        elif current == "rq":
            _rq_enqueue(name)
    except Exception:
        log.warning("jobs: could not enqueue %s; the periodic sweep will pick its rows up", name, exc_info=True)


def _rq_enqueue(name: str) -> None:
    """Coalesced enqueue. While Redis is unreachable, requests do not wait for it again and again: the shared
    breaker (app/common/redis_conn.py) skips enqueues for REDIS_RETRY_SECONDS after a failure (the rows wait in
    their outbox for the sweep)."""
    from app.jobs.runner import rq_entry

    app = current_app._get_current_object()
    if not redis_conn.usable(app):
        log.info("jobs: Redis is away; %s is left to the periodic sweep", name)
        return
    try:
        _push(name, rq_entry)
    except Exception as error:
        if redis_conn.is_outage(error):
            redis_conn.failed(f"enqueue {name}", error, app)
        raise
    redis_conn.succeeded(app)


def _push(name: str, rq_entry) -> None:
    conn = redis_connection()
    if not conn.set(_job_key("waiting", name), "1", nx=True, ex=COALESCE_SECONDS):
        return  # the same job is already waiting: it will see these rows too
    try:
        rq_queue().enqueue(
            rq_entry,
            name,
            job_timeout=int(current_app.config.get("JOBS_TIME_LIMIT", 20)) * 3 + 60,
            result_ttl=300,
            failure_ttl=86400,
            description=f"otklik job {name}",
        )
    except Exception:
        conn.delete(_job_key("waiting", name))  # not waiting after all: the next enqueue must try again
        raise


def enqueue_periodic(name: str, every: float) -> None:
    """The schedule's turn of a periodic job. With RQ and several `flask worker` processes each one's scheduler
    asks; a key that lives `every` seconds in Redis lets only the first of them enqueue it per period."""
    if has_app_context() and mode() == "rq" and every and every > 0:
        if not redis_conn.usable():
            return  # the sweep and the next turn will
        try:
            key = _job_key("scheduled", name)
            if not redis_connection().set(key, "1", nx=True, ex=max(1, int(every))):
                return
        except Exception:
            log.warning("jobs: could not schedule %s; the next turn will", name, exc_info=True)
            return
    enqueue(name)


def mark_started(name: str) -> None:
    """A job starts: the next enqueue must make a new job (rows committed from now on are not seen by this one
    for sure)."""
    if has_app_context() and mode() == "rq":
        try:
            redis_connection().delete(_job_key("waiting", name))
        except Exception:
            log.warning("jobs: could not clear the waiting mark of %s", name, exc_info=True)


def queue_length() -> int | None:
    """Jobs waiting in the RQ queue, None when RQ is not used."""
    if mode() != "rq":
        return None
    return len(rq_queue())
