"""Keeping the index in sync: outbox rows are written in the transaction that changes a searchable row,
and applied to the backend after commit. Nothing is lost: rows stay until the backend took them.

- the service that changes a searchable row says so: `enqueue(kind, ref_id)` (e.g. community.services.
  create_topic calls it through community.search_docs.touch) writes a `search_outbox` row on the session's
  connection, in the same transaction, once per (kind, id) and transaction;
- after commit, `drain()` applies them (unless SEARCH_SYNC is "deferred": a worker or `flask search sync`);
- a rollback discards the rows with everything else, so nothing is indexed.

When what decides a document's terms changes (the staff's synonym groups), `enqueue_resync()` writes one
RESYNC row; the drain that meets it queues every searchable document behind it, then a FINGERPRINT row that
records the analyser's new fingerprint in the index once everything before it was applied. The work is
spread over ordinary batches (BATCH documents per transaction), so a crash half way loses nothing.
"""

import logging
from collections import defaultdict

from flask import current_app, has_app_context
from sqlalchemy import delete, event, insert, select, update
from sqlalchemy.orm import Session

from app.common.db import utcnow
from app.extensions import db
from app.search import custom_synonyms, suggest_cache
from app.search.backends import get_backend
from app.search.backends.base import IndexBusy
from app.search.documents import get_kind, kinds
from app.search.models import SearchOutbox
from app.search.semantic import build as semantic_build

log = logging.getLogger(__name__)

_PENDING = "otklik_search_pending"
BATCH = 500
RESYNC = "_resync"  # every document again, then FINGERPRINT (no registered kind starts with "_")
FINGERPRINT = "_fingerprint"


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


def _apply_batch(session: Session, backend, rows) -> None:
    by_kind: dict[str, set[int]] = defaultdict(set)
    for _, kind, ref_id in rows:
        by_kind[kind].add(ref_id)
    markers = [by_kind.pop(marker, None) for marker in (RESYNC, FINGERPRINT)]
    for kind, ids in by_kind.items():
        apply_kind(session, backend, kind, sorted(ids))
    if markers[0]:
        _queue_everything(session)
    if markers[1]:
        backend.record_fingerprint()


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending or not has_app_context():
        return
    if current_app.config.get("SEARCH_SYNC", "inline") != "inline":
        return
    try:
        drain()
    except Exception:  # never turn a saved request into an error; the rows wait for the next drain
        log.exception("search: applying the outbox after commit failed; `flask search sync` will retry")


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def drain(max_rows: int | None = None) -> int:
    """Apply pending outbox rows to the backend in their own transaction. Returns how many rows were applied.
    Rows the backend could not take (index busy, error) stay for the next drain."""
    backend = get_backend()
    applied = 0
    with Session(db.engine) as session, custom_synonyms.read_with(session):
        while max_rows is None or applied < max_rows:
            rows = session.execute(
                select(SearchOutbox.id, SearchOutbox.kind, SearchOutbox.ref_id).order_by(SearchOutbox.id).limit(BATCH)
            ).all()
            if not rows:
                break
            row_ids = [row_id for row_id, _, _ in rows]
            try:
                _apply_batch(session, backend, rows)
            except IndexBusy:
                log.info("search: index busy, %d outbox rows left for the next drain", len(rows))
                break
            except Exception:
                session.rollback()
                session.execute(
                    update(SearchOutbox).where(SearchOutbox.id.in_(row_ids)).values(attempts=SearchOutbox.attempts + 1)
                )
                session.commit()
                raise
            session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_(row_ids)))
            session.commit()
            applied += len(rows)
    return applied


def apply_kind(session: Session, backend, kind: str, ids: list[int]) -> None:
    """Load the current state of `ids` and put it into the backend (or remove what is gone)."""
    registered = get_kind(kind)
    if registered is None:
        backend.delete([(kind, ref_id) for ref_id in ids])
        suggest_cache.bump()
        return
    docs = registered.loader(session, ids)
    present = [doc for doc in docs.values() if doc is not None]
    gone = [(kind, ref_id) for ref_id in ids if docs.get(ref_id) is None]
    if present:
        backend.upsert(present)
        semantic_build.index_docs(present)
    if gone:
        backend.delete(gone)
        semantic_build.remove_docs(gone)
    suggest_cache.bump()  # cached suggestions may have changed


def pending_count() -> int:
    from sqlalchemy import func

    return db.session.scalar(select(func.count()).select_from(SearchOutbox)) or 0
