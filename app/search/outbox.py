"""Keeping the index in sync: outbox rows are written in the transaction that changes a searchable row,
and applied to the backend by a background job. Nothing is lost: rows stay until the backend took them.

- the service that changes a searchable row says so: `enqueue(kind, ref_id)` (e.g. community.services.
  create_topic calls it through community.search_docs.touch) writes a `search_outbox` row on the session's
  connection, in the same transaction, once per (kind, id) and transaction;
- after commit, the `search.drain` job is enqueued (app/jobs: RQ, the in-process worker thread, or eager in
  tests) unless SEARCH_SYNC is "deferred"; the worker's periodic sweep drains whatever is left either way;
- a rollback discards the rows with everything else, so nothing is indexed;
- a row that keeps failing is retried with back-off and becomes a dead letter (/admin/dead-letters).

When what decides a document's terms changes (the staff's synonym groups), `enqueue_resync()` writes one
RESYNC row; the drain that meets it queues every searchable document behind it, then a FINGERPRINT row that
records the analyser's new fingerprint in the index once everything before it was applied. The work is
spread over ordinary batches (BATCH documents per transaction), so a crash half way loses nothing.
"""

import logging
import time
import traceback
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import delete, event, func, insert, or_, select, update
from sqlalchemy.orm import Session

from app.common.db import utcnow
from app.extensions import db
from app.jobs import retries
from app.jobs.locks import FileLock, LockBusy
from app.search import custom_synonyms, suggest_cache
from app.search.backends import get_backend
from app.search.backends.base import IndexBusy
from app.search.documents import enrich, get_kind, kinds
from app.search.models import SearchOutbox
from app.search.semantic import build as semantic_build

log = logging.getLogger(__name__)

_PENDING = "otklik_search_pending"
BATCH = 500
RESYNC = "_resync"  # every document again, then FINGERPRINT (no registered kind starts with "_")
FINGERPRINT = "_fingerprint"
JOB = "search.drain"
ERROR_MAX = 2000


def enqueue(kind: str, ref_id: int | None, session: Session | None = None) -> None:
    """Queue the search document (kind, ref_id) for (re)indexing in the current transaction. Called by the
    service that changed it; the document is loaded fresh when the outbox is applied, so calling it before
    the last change of the transaction is fine."""
    if ref_id is None:
        return
    session = session if session is not None else db.session
    queued = session.info.setdefault(_PENDING, set())
    if (kind, ref_id) in queued:
        return
    session.connection().execute(
        insert(SearchOutbox.__table__),
        [{"kind": kind, "ref_id": ref_id, "attempts": 0, "created_at": utcnow()}],
    )
    queued.add((kind, ref_id))


def enqueue_resync(session: Session | None = None) -> None:
    """Queue the re-analysis of every document (the analyser's synonym groups changed), in the current
    transaction; applied by the drain after commit (or by the worker / `flask search sync` when deferred)."""
    enqueue(RESYNC, 0, session)


def _queue_everything(session: Session) -> None:
    """RESYNC: a row for every searchable document, then a FINGERPRINT row after them."""
    for kind in kinds():
        ids = list(get_kind(kind).all_ids(session))
        for start in range(0, len(ids), BATCH):
            rows = [
                {"kind": kind, "ref_id": i, "attempts": 0, "created_at": utcnow()} for i in ids[start : start + BATCH]
            ]
            session.execute(insert(SearchOutbox.__table__), rows)
    session.execute(
        insert(SearchOutbox.__table__), [{"kind": FINGERPRINT, "ref_id": 0, "attempts": 0, "created_at": utcnow()}]
    )


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending or not has_app_context():
        return
    if current_app.config.get("SEARCH_SYNC", "inline") != "inline":
        return
    from app.jobs import queue as jobs_queue

    jobs_queue.enqueue(JOB)  # never raises; the rows wait for the periodic sweep if the queue is away


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


@dataclass
class DrainReport:
    applied: int = 0
    retrying: int = 0
    dead: int = 0
    busy: bool = False  # the index was locked by another writer: rows left for the next drain
    timed_out: bool = False  # stopped at the time limit: rows left for the next drain

    def __str__(self) -> str:
        text = f"applied {self.applied}, retrying {self.retrying}, dead {self.dead}"
        return text + (", index busy" if self.busy else "") + (", time limit" if self.timed_out else "")


def drain_lock(wait: float | None = None) -> FileLock | None:
    """With Whoosh, one drain at a time per index, across processes (taken, or LockBusy after `wait`)."""
    config = current_app.config
    if config.get("SEARCH_BACKEND", "whoosh") != "whoosh":
        return None
    lock = FileLock(Path(config["SEARCH_INDEX_DIR"]) / "drain.lock")
    return lock.acquire(wait=float(config.get("SEARCH_DRAIN_LOCK_WAIT", 5) if wait is None else wait))


def drain(
    max_rows: int | None = None,
    *,
    time_limit: float | None = None,
    retry_now: bool = False,
    lock_wait: float | None = None,
) -> DrainReport:
    """Apply due outbox rows to the backend, in batches, for at most `time_limit` seconds (None: until done).
    A row that fails is retried later with exponential back-off and after JOBS_MAX_ATTEMPTS becomes a dead
    letter. `retry_now`: also rows still waiting for their back-off (an operator's `flask search sync`).
    Raises LockBusy when another process drains the Whoosh index for longer than `lock_wait`."""
    config = current_app.config
    deadline = time.monotonic() + (float("inf") if time_limit is None else time_limit)
    batch = int(config.get("JOBS_BATCH", BATCH))
    report = DrainReport()
    lock = drain_lock(lock_wait)
    try:
        backend = get_backend()
        with Session(db.engine) as session, custom_synonyms.read_with(session):
            after_id = 0
            while max_rows is None or report.applied < max_rows:
                if time.monotonic() > deadline:
                    report.timed_out = True
                    break
                rows = _due_rows(session, after_id, batch, retry_now)
                if not rows:
                    break
                after_id = rows[-1][0]
                if not _apply_rows(session, backend, rows, report):
                    break
    finally:
        if lock is not None:
            lock.release()
    return report


def _due_rows(session: Session, after_id: int, batch: int, retry_now: bool):
    stmt = select(SearchOutbox.id, SearchOutbox.kind, SearchOutbox.ref_id, SearchOutbox.attempts).where(
        SearchOutbox.dead_at.is_(None), SearchOutbox.id > after_id
    )
    if not retry_now:
        stmt = stmt.where(or_(SearchOutbox.next_attempt_at.is_(None), SearchOutbox.next_attempt_at <= utcnow()))
    return session.execute(stmt.order_by(SearchOutbox.id).limit(batch)).all()


def _apply_rows(session: Session, backend, rows, report: DrainReport) -> bool:
    """Apply one batch; on an error apply its rows one by one so one bad row does not hold back the others.
    Returns False when the drain must stop (index busy)."""
    try:
        _apply_and_delete(session, backend, rows)
    except IndexBusy:
        session.rollback()
        log.info("search: index busy, %d outbox rows left for the next drain", len(rows))
        report.busy = True
        return False
    except Exception:
        session.rollback()
        if len(rows) > 1:
            return all(_apply_rows(session, backend, [row], report) for row in rows)
        _failed(session, rows[0], report)
        return True
    report.applied += len(rows)
    return True


def _apply_and_delete(session: Session, backend, rows) -> None:
    by_kind: dict[str, set[int]] = defaultdict(set)
    for _, kind, ref_id, _attempts in rows:
        by_kind[kind].add(ref_id)
    markers = [by_kind.pop(marker, None) for marker in (RESYNC, FINGERPRINT)]
    change = suggest_cache.Change()  # what the suggest cache's increment check compares its entries with
    for kind, ids in by_kind.items():
        change.add(*apply_kind(session, backend, kind, sorted(ids)))
    if markers[0]:
        _queue_everything(session)
    if markers[1]:
        backend.record_fingerprint()
        change.everything = True
    session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_([row[0] for row in rows])))
    session.commit()
    # after the commit: a suggest ranked between the backend's write and the commit (PostgreSQL's tables) would
    # otherwise be cached under the new version without the new documents
    suggest_cache.bump(change)


def _failed(session: Session, row, report: DrainReport) -> None:
    row_id, kind, ref_id, attempts = row
    attempts += 1
    error = traceback.format_exc(limit=3)[-ERROR_MAX:]
    values = {"attempts": attempts, "last_error": error, "next_attempt_at": retries.next_attempt(attempts)}
    if values["next_attempt_at"] is None:
        values["dead_at"] = utcnow()
        report.dead += 1
        log.error(
            "search: %s %s failed %d times; it is now a dead letter (/admin/dead-letters)", kind, ref_id, attempts
        )
    else:
        report.retrying += 1
        log.warning("search: indexing %s %s failed (attempt %d); retrying later", kind, ref_id, attempts, exc_info=True)
    session.execute(update(SearchOutbox).where(SearchOutbox.id == row_id).values(**values))
    session.commit()


def apply_kind(session: Session, backend, kind: str, ids: list[int]) -> tuple[list, list]:
    """Load the current state of `ids` and put it into the backend (or remove what is gone); returns (the
    documents put, the keys removed). The caller commits, then calls `suggest_cache.bump()`."""
    registered = get_kind(kind)
    if registered is None:
        gone = [(kind, ref_id) for ref_id in ids]
        backend.delete(gone)
        return [], gone
    docs = registered.loader(session, ids)
    enrich(session, kind, docs)
    present = [doc for doc in docs.values() if doc is not None]
    gone = [(kind, ref_id) for ref_id in ids if docs.get(ref_id) is None]
    if present:
        backend.upsert(present)
        semantic_build.index_docs(present)
    if gone:
        backend.delete(gone)
        semantic_build.remove_docs(gone)
    return present, gone


def pending_count() -> int:
    """Rows still to apply (dead letters not counted)."""
    return db.session.scalar(select(func.count()).select_from(SearchOutbox).where(SearchOutbox.dead_at.is_(None))) or 0


def oldest_pending():
    return db.session.scalar(select(func.min(SearchOutbox.created_at)).where(SearchOutbox.dead_at.is_(None)))


def dead_count() -> int:
    return (
        db.session.scalar(select(func.count()).select_from(SearchOutbox).where(SearchOutbox.dead_at.is_not(None))) or 0
    )


def dead_letters(limit: int):
    return list(
        db.session.scalars(
            select(SearchOutbox)
            .where(SearchOutbox.dead_at.is_not(None))
            .order_by(SearchOutbox.dead_at.desc())
            .limit(limit)
        )
    )


def retry_dead(ids: list[int] | None) -> int:
    """Dead letters (these ids, or all) become due again with their attempts reset; the caller commits."""
    stmt = update(SearchOutbox).where(SearchOutbox.dead_at.is_not(None))
    if ids is not None:
        stmt = stmt.where(SearchOutbox.id.in_(ids))
    result = db.session.execute(
        stmt.values(dead_at=None, attempts=0, next_attempt_at=None).execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def run_drain_job() -> str:
    """The `search.drain` job: what workers, the sweep and eager mode run."""
    try:
        return str(drain(time_limit=float(current_app.config.get("JOBS_TIME_LIMIT", 20))))
    except LockBusy:
        return "another process is draining the index; it will apply these rows"
