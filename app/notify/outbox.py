"""Composing e-mail in the background: the request writes one `notify_events` row; the `mail.compose` job
renders the mails.

- `add(session, events)`: in the transaction of the change (just before its commit), the events the receivers
  noted become one row holding ids, not objects (and the time, for the dedup key of a status change without a
  history row). Nothing is rendered and no follower is looked up in the request.
- `run_compose_job()`: for each due row, in one transaction: load the objects, `compose.queue_events` (the same
  rules and templates as before: who may see what, who wants which mail), insert the mails (ON CONFLICT DO
  NOTHING on their dedup keys) and delete the row; then the `mail.send` job is enqueued. A job retried after
  that commit finds no row; a job that died before it left the row and no mail. Either way: one mail per person.
- A row whose composition keeps failing is retried with back-off and ends as a dead letter after
  JOBS_MAX_ATTEMPTS (/admin/dead-letters, "E-mail to compose").
"""

import logging
import time
import traceback

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.orm import Session

from app.auth.models import User
from app.common.db import utcnow
from app.community.models import Comment, StatusChange, Topic
from app.extensions import db
from app.jobs import retries
from app.notify import compose
from app.notify.models import NotifyEvent
from app.staff.models import Assignment, Department

log = logging.getLogger(__name__)
JOB = "mail.compose"  # sorted before mail.send: a burst or sweep composes, then sends
ERROR_MAX = 2000
# Which payload fields hold the id of which model (the rest are plain values).
_MODELS = {
    "topic": Topic,
    "comment": Comment,
    "actor": User,
    "moved_by": User,
    "change": StatusChange,
    "from_department": Department,
    "to_department": Department,
    "assignment": Assignment,
}
_REQUIRED = ("topic", "comment", "to_department", "assignment")  # an event without these (deleted since) is dropped


def _plain(value):
    return value.id if hasattr(value, "__table__") else value


def serialise(events: list[tuple[str, dict]]) -> list[dict]:
    now = utcnow().isoformat()
    payload = []
    for kind, data in events:
        item = {"kind": kind, **{name: _plain(value) for name, value in data.items()}}
        if kind == compose.STATUS:
            item["stamp"] = now
        payload.append(item)
    return payload


def load(session, payload: list[dict]) -> list[tuple[str, dict]]:
    """The events again, with the objects as they are now; events about something deleted since are dropped."""
    events = []
    for item in payload:
        data = {}
        for name, value in item.items():
            if name == "kind":
                continue
            model = _MODELS.get(name)
            data[name] = session.get(model, value) if model is not None and value is not None else value
        if any(name in item and item[name] is not None and data[name] is None for name in _REQUIRED):
            log.info("notify: %s event about something deleted since; no mail", item["kind"])
            continue
        events.append((item["kind"], data))
    return events


def add(session, events: list[tuple[str, dict]]) -> bool:
    """One row for what this transaction did (called before its commit). True if a row was written."""
    session.flush()
    payload = serialise(events)
    if not payload:
        return False
    session.execute(insert(NotifyEvent.__table__).values(payload=payload, attempts=0, created_at=utcnow()))
    return True


def _due(session, after_id: int):
    now = utcnow()
    return session.scalars(
        select(NotifyEvent)
        .where(
            NotifyEvent.id > after_id,
            NotifyEvent.dead_at.is_(None),
            or_(NotifyEvent.next_attempt_at.is_(None), NotifyEvent.next_attempt_at <= now),
        )
        .order_by(NotifyEvent.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).all()


def _failed(session, row_id: int) -> None:
    session.rollback()
    row = session.get(NotifyEvent, row_id)
    if row is None:
        return
    row.attempts += 1
    row.last_error = traceback.format_exc(limit=3)[-ERROR_MAX:]
    row.next_attempt_at = retries.next_attempt(row.attempts)
    if row.next_attempt_at is None:
        row.dead_at = utcnow()
        log.error("notify: composing event %s failed %d times; it is a dead letter", row_id, row.attempts)
    else:
        log.warning("notify: composing event %s failed (attempt %d)", row_id, row.attempts, exc_info=True)
    session.commit()


def compose_due(time_limit: float | None = None) -> tuple[int, int]:
    """Compose the due rows (each in its own transaction). Returns (rows composed, mails queued)."""
    begun, composed, mails, after_id = time.monotonic(), 0, 0, 0
    with Session(db.engine) as session:
        while time_limit is None or time.monotonic() - begun < time_limit:
            rows = _due(session, after_id)
            if not rows:
                break
            row_id = rows[0].id
            after_id = row_id
            try:
                keys = compose.queue_events(session, load(session, rows[0].payload))
                session.delete(rows[0])
                session.commit()
            except Exception:
                _failed(session, row_id)
                continue
            composed += 1
            mails += len(keys)
    return composed, mails


def run_compose_job() -> str:
    composed, mails = compose_due(time_limit=float(current_app.config.get("JOBS_TIME_LIMIT", 20)))
    if mails and current_app.config.get("MAIL_SEND", "inline") == "inline":  # deferred: `flask notify send`
        from app.jobs import queue
        from app.notify.jobs import JOB as SEND_JOB

        queue.enqueue(SEND_JOB)
    return f"composed {composed} events, queued {mails} e-mails"


def pending() -> int:
    return db.session.scalar(select(func.count()).select_from(NotifyEvent).where(NotifyEvent.dead_at.is_(None))) or 0


def oldest_pending():
    return db.session.scalar(select(func.min(NotifyEvent.created_at)).where(NotifyEvent.dead_at.is_(None)))


def dead_count() -> int:
    return db.session.scalar(select(func.count()).select_from(NotifyEvent).where(NotifyEvent.dead_at.is_not(None))) or 0


def dead_letters(limit: int):
    from app.jobs.registry import DeadLetter

    rows = db.session.scalars(
        select(NotifyEvent).where(NotifyEvent.dead_at.is_not(None)).order_by(NotifyEvent.id.desc()).limit(limit)
    )
    return [
        DeadLetter(
            row.id,
            ", ".join(f"{item.get('kind')} topic {item.get('topic')}" for item in row.payload),
            row.attempts,
            row.last_error or "",
            row.dead_at,
        )
        for row in rows
    ]


def retry(ids: list[int] | None) -> int:
    stmt = update(NotifyEvent).where(NotifyEvent.dead_at.is_not(None))
    if ids is not None:
        stmt = stmt.where(NotifyEvent.id.in_(ids))
    result = db.session.execute(
        stmt.values(dead_at=None, attempts=0, next_attempt_at=None).execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def register(app) -> None:
    from app.jobs.registry import SWEEP, OutboxSource, register_job, register_outbox

    register_job(app, JOB, run_compose_job, every=SWEEP)
    register_outbox(
        app,
        OutboxSource(
            name="notify",
            label=_l("E-mail to compose"),
            job=JOB,
            pending=pending,
            oldest_pending=oldest_pending,
            dead_count=dead_count,
            dead_letters=dead_letters,
            retry=retry,
        ),
    )
