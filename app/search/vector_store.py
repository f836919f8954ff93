"""Document vectors: written with the index (outbox drain, reindex), read as one float32 matrix per process.

The matrix follows the table incrementally: every suggest asks `max(id)` (an index lookup) and loads only
newer rows; a full reload (dropping rows of deleted items) happens every FULL_RELOAD_SECONDS or after a
clear. Brute-force cosine over the matrix is a single matrix-vector product (bench/search_semantic.py).
"""
from __future__ import annotations

import threading
import time

import numpy as np
from sqlalchemy import delete, func, select, tuple_

from app.extensions import db
from app.search import semantic
from app.search.documents import HIDDEN, PUBLIC, Scope, SearchDoc
from app.search.vector_models import SearchVector

FULL_RELOAD_SECONDS = 600.0
_VIS = {PUBLIC: 0, "private": 1, HIDDEN: 2}


def store(session, docs: list[SearchDoc], gone: list[tuple[str, int]]) -> None:
    """Replace the vectors of `docs` and drop those of `gone`, in the caller's transaction."""
    if not semantic.available():
        return
    keys = [doc.key for doc in docs] + list(gone)
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        session.execute(delete(SearchVector).where(tuple_(SearchVector.kind, SearchVector.ref_id).in_(chunk)))
    rows = []
    for doc in docs:
        vec = semantic.embed_doc(doc)
        if vec is not None:
            rows.append({"kind": doc.kind, "ref_id": doc.id, "visibility": doc.visibility,
                         "author_id": doc.author_id, "vec": vec.astype(np.float32).tobytes()})
    if rows:
        session.execute(SearchVector.__table__.insert(), rows)


def clear(session) -> None:
    session.execute(delete(SearchVector))
    _cache.invalidate()


class _Matrix:
    """The vectors of one database in memory: keys, a (n, DIM) float32 matrix, visibility and authors."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.invalidate()

    def invalidate(self) -> None:
        self.url = None
        self.max_id = 0
        self.loaded_at = 0.0
        self.keys: list[tuple[str, int]] = []
        self.row_of: dict[tuple[str, int], int] = {}
        self.mat = np.zeros((0, semantic.DIM), dtype=np.float32)
        self.vis = np.zeros(0, dtype=np.int8)
        self.author = np.zeros(0, dtype=np.int64)

    def refresh(self) -> None:
        url = str(db.engine.url)
        now = time.monotonic()
        with self.lock:
            if url != self.url or now - self.loaded_at > FULL_RELOAD_SECONDS:
                self.invalidate()
                self.url, self.loaded_at = url, now
            newest = db.session.scalar(select(func.max(SearchVector.id))) or 0
            if newest == self.max_id:
                return
            if newest < self.max_id:  # cleared and rebuilt elsewhere
                self.invalidate()
                self.url, self.loaded_at = url, now
            rows = db.session.execute(
                select(SearchVector.id, SearchVector.kind, SearchVector.ref_id, SearchVector.visibility,
                       SearchVector.author_id, SearchVector.vec)
                .where(SearchVector.id > self.max_id).order_by(SearchVector.id)
            ).all()
            self._apply(rows)
            self.max_id = max(newest, self.max_id)

    def _apply(self, rows) -> None:
        fresh_vecs, fresh_vis, fresh_author = [], [], []
        for row_id, kind, ref_id, visibility, author_id, blob in rows:
            vec = np.frombuffer(blob, dtype=np.float32)
            key = (kind, ref_id)
            at = self.row_of.get(key)
            if at is not None:
                self.mat[at] = vec
                self.vis[at] = _VIS.get(visibility, 2)
                self.author[at] = author_id or 0
                continue
            self.row_of[key] = len(self.keys)
            self.keys.append(key)
            fresh_vecs.append(vec)
            fresh_vis.append(_VIS.get(visibility, 2))
            fresh_author.append(author_id or 0)
        if fresh_vecs:
            self.mat = np.vstack([self.mat, np.asarray(fresh_vecs, dtype=np.float32)])
            self.vis = np.concatenate([self.vis, np.asarray(fresh_vis, dtype=np.int8)])
            self.author = np.concatenate([self.author, np.asarray(fresh_author, dtype=np.int64)])

    def visible(self, scope: Scope) -> np.ndarray:
        if scope.is_staff:
            return np.ones(len(self.keys), dtype=bool)
        mask = self.vis == 0
        if scope.user_id is not None:
            mask |= (self.vis == 1) & (self.author == scope.user_id)
        return mask


_cache = _Matrix()


def similarities(query_vec: np.ndarray, keys: list[tuple[str, int]]) -> dict[tuple[str, int], float]:
    """Cosine of the query with each known key (keys without a vector are left out)."""
    _cache.refresh()
    rows = [(_cache.row_of[k], k) for k in keys if k in _cache.row_of]
    if not rows:
        return {}
    sims = _cache.mat[[r for r, _ in rows]] @ query_vec
    return {key: float(s) for (_, key), s in zip(rows, sims)}


def nearest(query_vec: np.ndarray, scope: Scope, k: int, exclude: set) -> list[tuple[tuple[str, int], float]]:
    """The k items the scope may see that are closest in meaning to the query, outside `exclude`."""
    _cache.refresh()
    if not _cache.keys:
        return []
    sims = _cache.mat @ query_vec
    sims = np.where(_cache.visible(scope), sims, -2.0)
    take = min(len(sims), k + len(exclude))
    top = np.argpartition(-sims, take - 1)[:take] if take < len(sims) else np.arange(len(sims))
    top = top[np.argsort(-sims[top])]
    found = []
    for i in top:
        key = _cache.keys[int(i)]
        if sims[i] <= -1.5 or key in exclude:
            continue
        found.append((key, float(sims[i])))
        if len(found) == k:
            break
    return found
