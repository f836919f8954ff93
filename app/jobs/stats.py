"""What an operator wants to know about the background work (for `flask stats`, /admin/system, /readyz)."""

import os

from flask import current_app
from sqlalchemy import select, text

from app.common.db import utcnow
from app.extensions import db
from app.jobs import queue
from app.jobs.models import JobRun
from app.jobs.registry import jobs, outboxes


def _age_seconds(moment) -> float | None:
    return None if moment is None else max(0.0, (utcnow() - moment).total_seconds())


def outbox_stats() -> list[dict]:
    return [
        {
            "name": source.name,
            "label": str(source.label),
            "job": source.job,
            "pending": source.pending(),
            "oldest_pending_seconds": _age_seconds(source.oldest_pending()),
            "dead": source.dead_count(),
        }
        for source in outboxes()
    ]


def queue_stats() -> dict:
    mode = queue.mode()
    data = {"mode": mode, "length": None, "failed_jobs": None}
    if mode == "rq":
        from app.common import redis_conn

        try:
            rq_queue = queue.rq_queue()
            data["length"] = len(rq_queue)
            data["failed_jobs"] = rq_queue.failed_job_registry.count
        except Exception as error:  # Redis away: the page still shows the outboxes, the source of truth
            if not redis_conn.is_outage(error):
                raise
            data["error"] = f"Redis unreachable: {type(error).__name__}"
    return data


def database_size() -> int | None:
    uri = current_app.config["SQLALCHEMY_DATABASE_URI"]
    if db.engine.dialect.name == "postgresql":
        return db.session.scalar(text("SELECT pg_database_size(current_database())"))
    if uri.startswith("sqlite:///"):
        path = uri.removeprefix("sqlite:///")
        return sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))
    return None


def job_stats() -> list[dict]:
    runs = {row.name: row for row in db.session.scalars(select(JobRun))}
    out = []
    for job in jobs():
        row = runs.get(job.name)
        out.append(
            {
                "name": job.name,
                "every": None if job.every is None else (job.every or current_app.config.get("JOBS_SWEEP_SECONDS")),
                "last_success_at": row.last_success_at if row else None,
                "last_failure_at": row.last_failure_at if row else None,
                "last_error": (row.last_error or "")[-300:] if row else "",
                "last_result": row.last_result if row else None,
                "runs": row.runs if row else 0,
                "failures": row.failures if row else 0,
            }
        )
    return out


def collect() -> dict:
    boxes = outbox_stats()
    search = next((box for box in boxes if box["name"] == "search"), None)
    return {
        "queue": queue_stats(),
        "outboxes": boxes,
        "dead_letters": sum(box["dead"] for box in boxes),
        "index": {
            "backend": current_app.config.get("SEARCH_BACKEND"),
            "lag_seconds": search["oldest_pending_seconds"] if search else None,
            "pending": search["pending"] if search else None,
        },
        "database": {"dialect": db.engine.dialect.name, "size_bytes": database_size()},
        "jobs": job_stats(),
    }


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "never"


def format_lines(data: dict) -> list[str]:
    q = data["queue"]
    lines = [
        f"queue: mode {q['mode']}"
        + (f", {q['length']} jobs waiting, {q['failed_jobs']} failed jobs" if q["length"] is not None else "")
    ]
    for box in data["outboxes"]:
        age = box["oldest_pending_seconds"]
        lines.append(
            f"outbox {box['name']}: {box['pending']} pending"
            + (f" (oldest {age:.0f} s)" if age is not None else "")
            + f", {box['dead']} dead letters"
        )
    lag = data["index"]["lag_seconds"]
    lines.append(f"index: {data['index']['backend']}, lag {0 if lag is None else round(lag)} s")
    size = data["database"]["size_bytes"]
    lines.append(
        f"database: {data['database']['dialect']}, "
        + (f"{size / 1024 / 1024:.1f} MB" if size is not None else "size unknown")
    )
    for job in data["jobs"]:
        lines.append(
            f"job {job['name']}: last success {_when(job['last_success_at'])}, runs {job['runs']}, "
            f"failures {job['failures']}"
            + (f", last error: {job['last_error'].splitlines()[-1]}" if job["last_error"] else "")
        )
    return lines
