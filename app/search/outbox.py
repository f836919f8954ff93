"""Keeping the index in sync: outbox rows are written in the transaction that changes a searchable row,
and applied to the backend after commit. Nothing is lost: rows stay until the backend took them.

- `track(Model, keys_of)`: changes to instances of Model touch the index keys `keys_of(obj)` returns.
- after every flush, the touched keys go into `search_outbox` on the same connection (same transaction);
- after commit, `drain()` applies them (unless SEARCH_SYNC is "deferred": a worker or `flask search sync`);
- a rollback discards the rows with everything else, so nothing is indexed.
"""
import logging
from collections import defaultdict
from typing import Callable

from flask import current_app, has_app_context
from sqlalchemy import delete, event, insert, select, update
from sqlalchemy.orm import Session

from app.common.db import utcnow
from app.extensions import db
from app.search import vector_store
from app.search.backends import get_backend
from app.search.backends.base import IndexBusy
from app.search.documents import get_kind
from app.search.models import SearchOutbox

log = logging.getLogger(__name__)

_TRACKED: dict[type, Callable[[object], list[tuple[str, int]]]] = {}
_PENDING = "otklik_search_pending"
BATCH = 500


def track(model: type, keys_of: Callable[[object], list[tuple[str, int]]]) -> None:
    _TRACKED[model] = keys_of


def _touched_keys(session: Session) -> set[tuple[str, int]]:
    keys: set[tuple[str, int]] = set()
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        keys_of = _TRACKED.get(type(obj))
        if keys_of is None:
            continue
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        keys.update(key for key in keys_of(obj) if key[1] is not None)
    return keys


@event.listens_for(Session, "after_flush")
def _write_outbox(session: Session, _flush_context) -> None:
    if not _TRACKED:
        return
    keys = _touched_keys(session)
    queued = session.info.setdefault(_PENDING, set())
    fresh = keys - queued
    if fresh:
        now = utcnow()
        session.connection().execute(
            insert(SearchOutbox.__table__),
            [{"kind": kind, "ref_id": ref_id, "attempts": 0, "created_at": now} for kind, ref_id in sorted(fresh)],
        )
        queued.update(fresh)


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
    with Session(db.engine) as session:
        while max_rows is None or applied < max_rows:
            rows = session.execute(
                select(SearchOutbox.id, SearchOutbox.kind, SearchOutbox.ref_id).order_by(SearchOutbox.id).limit(BATCH)
            ).all()
            if not rows:
                break
            by_kind: dict[str, set[int]] = defaultdict(set)
            for _, kind, ref_id in rows:
                by_kind[kind].add(ref_id)
            row_ids = [row_id for row_id, _, _ in rows]
            try:
                for kind, ids in by_kind.items():
                    apply_kind(session, backend, kind, sorted(ids))
            except IndexBusy:
                log.info("search: index busy, %d outbox rows left for the next drain", len(rows))
                break
            except Exception:
                session.rollback()
                session.execute(
                    update(SearchOutbox).where(SearchOutbox.id.in_(row_ids))
                    .values(attempts=SearchOutbox.attempts + 1)
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
        vector_store.store(session, [], [(kind, ref_id) for ref_id in ids])
        return
    docs = registered.loader(session, ids)
    present = [doc for doc in docs.values() if doc is not None]
    gone = [(kind, ref_id) for ref_id in ids if docs.get(ref_id) is None]
    if present:
        backend.upsert(present)
    if gone:
        backend.delete(gone)
    vector_store.store(session, present, gone)


def pending_count() -> int:
    from sqlalchemy import func
    return db.session.scalar(select(func.count()).select_from(SearchOutbox)) or 0
