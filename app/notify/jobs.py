"""The mail outbox as background work: the `mail.send` job and its counts and dead letters (status failed)."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from app.common.db import utcnow
from app.extensions import db
from app.notify.models import FAILED, QUEUED, SENDING, MailMessage

JOB = "mail.send"


def run_send_job() -> str:
    """Send due mail for at most JOBS_TIME_LIMIT seconds (the rest: the next run or the sweep)."""
    from app.notify.sender import send_queued

    config = current_app.config
    report = send_queued(time_limit=float(config.get("JOBS_TIME_LIMIT", 20)))
    return f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}, cancelled {report.cancelled}" + (
        f", stopped: {report.stopped}" if report.stopped else ""
    )


def pending() -> int:
    return (
        db.session.scalar(
            select(func.count()).select_from(MailMessage).where(MailMessage.status.in_((QUEUED, SENDING)))
        )
        or 0
    )


def oldest_pending():
    return db.session.scalar(select(func.min(MailMessage.created_at)).where(MailMessage.status.in_((QUEUED, SENDING))))


def dead_count() -> int:
    return db.session.scalar(select(func.count()).select_from(MailMessage).where(MailMessage.status == FAILED)) or 0


def dead_letters(limit: int):
    from app.jobs.registry import DeadLetter

    rows = db.session.scalars(
        select(MailMessage).where(MailMessage.status == FAILED).order_by(MailMessage.id.desc()).limit(limit)
    )
    return [
        DeadLetter(row.id, f"{row.recipient}: {row.subject}", row.attempts, row.last_error or "", row.next_attempt_at)
        for row in rows
    ]


def retry(ids: list[int] | None) -> int:
    """Failed messages (these ids, or all) are queued again with their attempts reset; the caller commits."""
    stmt = update(MailMessage).where(MailMessage.status == FAILED)
    if ids is not None:
        stmt = stmt.where(MailMessage.id.in_(ids))
    result = db.session.execute(
        stmt.values(status=QUEUED, attempts=0, next_attempt_at=utcnow()).execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def register(app) -> None:
    from app.jobs.registry import SWEEP, OutboxSource, register_job, register_outbox
    from app.notify import outbox

    outbox.register(app)  # mail.compose: renders the mails the requests only noted, then enqueues mail.send
    register_job(app, JOB, run_send_job, every=SWEEP)
    register_outbox(
        app,
        OutboxSource(
            name="mail",
            label=_l("E-mail"),
            job=JOB,
            pending=pending,
            oldest_pending=oldest_pending,
            dead_count=dead_count,
            dead_letters=dead_letters,
            retry=retry,
        ),
    )
