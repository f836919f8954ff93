"""Sending queued mail: exactly once as far as it is in our hands.

1. Claim: a batch of due `queued` rows becomes `sending` with a fresh claim token, committed before anything
   is sent. The UPDATE only takes rows still `queued`, so two senders (the after-commit hook of a request and
   `flask notify send` from cron) never claim the same row.
2. Send each claimed row, then at once mark it `sent` (committed per message): a crash after message k
   does not resend messages 1..k.
3. A failure puts the row back to `queued` with a backoff (or `failed` for a 5xx or after MAIL_MAX_ATTEMPTS).
4. A row left in `sending` by a sender that died goes back to `queued` after MAIL_CLAIM_TIMEOUT seconds.
   That is the one case where a message may go out twice (the server accepted it, the process died before
   marking it): it keeps its Message-ID, so the copy can be recognised.
"""

import email.policy
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.branding import current_brand
from app.common.db import utcnow
from app.extensions import db
from app.notify.compose import still_wanted
from app.notify.mailers import ConnectionFailure, PermanentFailure, TemporaryFailure, get_mailer
from app.notify.models import CANCELLED, FAILED, QUEUED, SENDING, SENT, MailMessage

BATCH = 50
BACKOFF_MAX = timedelta(hours=6)
ERROR_MAX = 2000


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    cancelled: int = 0
    released: int = 0
    stopped: str | None = None  # why the run stopped early (the server could not be reached)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes (MAIL_BACKOFF_SECONDS doubled) after the n-th failed attempt, at most 6 hours."""
    base = float(current_app.config.get("MAIL_BACKOFF_SECONDS", 60))
    return min(timedelta(seconds=base * 2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def build_message(row: MailMessage) -> EmailMessage:
    config = current_app.config
    message = EmailMessage(policy=email.policy.SMTP)
    message["Subject"] = row.subject
    message["From"] = formataddr((current_brand().sender_name, config["MAIL_FROM"]))
    message["To"] = row.recipient
    message["Date"] = format_datetime(row.created_at.replace(tzinfo=UTC))
    message["Message-ID"] = row.message_id
    if row.thread_id:
        message["In-Reply-To"] = row.thread_id
        message["References"] = row.thread_id
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    if row.unsubscribe_url:
        # RFC 2369 and RFC 8058: mail clients show an unsubscribe button that POSTs to the link.
        message["List-Unsubscribe"] = f"<{row.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(row.body_text, cte="quoted-printable")
    message.add_alternative(row.body_html, subtype="html", cte="quoted-printable")
    # Headers may be up to 998 characters (RFC 5322); at the default 78 Python would turn the long
    # List-Unsubscribe URL into an encoded word, which mail clients do not read as a URL.
    message.policy = message.policy.clone(max_line_length=998)
    return message


def release_stale(session: Session, now=None) -> int:
    """Rows a dead sender left in `sending` go back to the queue (same Message-ID)."""
    now = now or utcnow()
    timeout = timedelta(seconds=int(current_app.config.get("MAIL_CLAIM_TIMEOUT", 600)))
    result = session.execute(
        update(MailMessage)
        .where(MailMessage.status == SENDING, MailMessage.claimed_at < now - timeout)
        .values(status=QUEUED, claim_token=None, claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return result.rowcount or 0


def requeue_failed(session: Session) -> int:
    result = session.execute(
        update(MailMessage)
        .where(MailMessage.status == FAILED)
        .values(status=QUEUED, attempts=0, next_attempt_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return result.rowcount or 0


def _claim(session: Session, keys, retry_now: bool, after_id: int, size: int):
    """Returns (claim token, the rows claimed, the last id looked at) or ("", [], None) when nothing is due."""
    now = utcnow()
    stmt = select(MailMessage.id).where(MailMessage.status == QUEUED, MailMessage.id > after_id)
    if keys is not None:
        stmt = stmt.where(MailMessage.dedup_key.in_(sorted(keys)), MailMessage.attempts == 0)
    elif not retry_now:
        stmt = stmt.where(MailMessage.next_attempt_at <= now)
    ids = list(session.scalars(stmt.order_by(MailMessage.id).limit(size)))
    if not ids:
        return "", [], None
    token = uuid.uuid4().hex
    session.execute(
        update(MailMessage)
        .where(MailMessage.id.in_(ids), MailMessage.status == QUEUED)
        .values(status=SENDING, claim_token=token, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    # Rows another sender took meanwhile are not in this list: they are theirs.
    rows = list(
        session.scalars(
            select(MailMessage)
            .where(MailMessage.claim_token == token)
            .order_by(MailMessage.id)
            .execution_options(populate_existing=True)
        )
    )
    return token, rows, ids[-1]


def _mark(session: Session, row: MailMessage, token: str, **values) -> None:
    session.execute(
        update(MailMessage)
        .where(MailMessage.id == row.id, MailMessage.claim_token == token)
        .values(claim_token=None, claimed_at=None, **values)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def _failed_attempt(session, row, token, error: Exception, report: SendReport, permanent: bool) -> None:
    attempts = row.attempts + 1
    max_attempts = int(current_app.config.get("MAIL_MAX_ATTEMPTS", 10))
    text = f"{type(error).__name__}: {error}"[:ERROR_MAX]
    if permanent or attempts >= max_attempts:
        _mark(session, row, token, status=FAILED, attempts=attempts, last_error=text)
        report.failed += 1
    else:
        _mark(
            session,
            row,
            token,
            status=QUEUED,
            attempts=attempts,
            last_error=text,
            next_attempt_at=utcnow() + backoff(attempts),
        )
        report.retrying += 1


def send_queued(
    keys=None, *, retry_now: bool = False, limit: int | None = None, time_limit: float | None = None
) -> SendReport:
    """Send due queued mail. `keys`: only these freshly queued rows; `retry_now`: also rows still waiting for
    their retry time (an operator after fixing the server); `time_limit`: stop claiming after so many seconds."""
    deadline = None if time_limit is None else time.monotonic() + time_limit
    report = SendReport()
    if keys is not None and not keys:
        return report
    mailer = get_mailer()
    sender = current_app.config["MAIL_FROM"]
    handled = 0
    with Session(db.engine, expire_on_commit=False) as session:
        if keys is None:
            report.released = release_stale(session)
        after_id = 0
        try:
            while limit is None or handled < limit:
                if deadline is not None and time.monotonic() > deadline:
                    break
                size = BATCH if limit is None else min(BATCH, limit - handled)
                token, rows, last_id = _claim(session, keys, retry_now, after_id, size)
                if last_id is None:
                    break
                after_id = last_id
                for index, row in enumerate(rows):
                    handled += 1
                    reason = still_wanted(session, row)
                    if reason is not None:
                        _mark(session, row, token, status=CANCELLED, last_error=reason)
                        report.cancelled += 1
                        continue
                    try:
                        mailer.send(build_message(row), sender, row.recipient)
                    except ConnectionFailure as error:
                        _failed_attempt(session, row, token, error, report, permanent=False)
                        for rest in rows[index + 1 :]:  # not attempted: back to the queue as they were
                            _mark(session, rest, token, status=QUEUED)
                        report.stopped = str(error)
                        return report
                    except TemporaryFailure as error:
                        _failed_attempt(session, row, token, error, report, permanent=False)
                    except PermanentFailure as error:
                        _failed_attempt(session, row, token, error, report, permanent=True)
                    else:
                        _mark(
                            session,
                            row,
                            token,
                            status=SENT,
                            attempts=row.attempts + 1,
                            sent_at=utcnow(),
                            transport=mailer.name,
                        )
                        report.sent += 1
        finally:
            mailer.close()
    return report
