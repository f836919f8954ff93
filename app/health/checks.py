"""The readiness checks. Each returns {"ok": True|False|None, ...}; None: not checked (what it needs failed).
Nothing here raises: a failure is a result. Bounded in time by the database and Redis timeouts."""

import time

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db


def _timed(func) -> dict:
    begun = time.monotonic()
    try:
        result = {"ok": True, **(func() or {})}
    except Exception as error:
        result = {
            "ok": False,
            "error": f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"[:300],
        }
    result["ms"] = round((time.monotonic() - begun) * 1000, 1)
    return result


def database() -> dict:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        raise
    return {"dialect": db.engine.dialect.name}


def redis_check(app) -> dict:
    """Asks Redis even while the breaker is open (at most REDIS_SOCKET_TIMEOUT): readiness must be current."""
    from app.common import redis_conn

    redis_conn.client(app).ping()
    redis_conn.succeeded(app)
    return {}


def search() -> dict:
    from app.search.backends import get_backend

    return get_backend().health()


def queue(app) -> dict:
    from app.jobs import stats

    boxes = stats.outbox_stats()
    backlog = sum(box["pending"] for box in boxes)
    ages = [box["oldest_pending_seconds"] for box in boxes if box["oldest_pending_seconds"] is not None]
    oldest = max(ages) if ages else None
    result = {
        "backlog": backlog,
        "oldest_pending_seconds": None if oldest is None else round(oldest, 1),
        "dead_letters": sum(box["dead"] for box in boxes),
        "mode": stats.queue.mode(app),
    }
    problems = []
    if backlog > int(app.config.get("READY_MAX_BACKLOG", 10000)):
        problems.append(f"backlog {backlog} > READY_MAX_BACKLOG {app.config.get('READY_MAX_BACKLOG')}")
    if oldest is not None and oldest > float(app.config.get("READY_MAX_LAG_SECONDS", 600)):
        problems.append(
            f"oldest pending row {oldest:.0f} s > READY_MAX_LAG_SECONDS {app.config.get('READY_MAX_LAG_SECONDS')}"
        )
    if problems:
        raise RuntimeError(
            "; ".join(problems) + f" (backlog {backlog}, oldest {0 if oldest is None else oldest:.1f} s)"
        )
    return result


def run_all(app) -> dict:
    results = {"database": _timed(database)}
    if app.config.get("REDIS_URL"):
        results["redis"] = _timed(lambda: redis_check(app))
    database_ok = results["database"]["ok"]
    skipped = {"ok": None, "error": "not checked: the database is unreachable"}
    if app.config.get("SEARCH_BACKEND") == "postgres" and not database_ok:
        results["search"] = dict(skipped)
    else:
        results["search"] = _timed(search)
    results["queue"] = _timed(lambda: queue(app)) if database_ok else dict(skipped)
    return results
