"""Where the vectors live: two plain SQL tables with the vectors as bytes (float16), portable to any
database (no pgvector): `search_vector_model` (one row: the trained model) and `search_vectors` (one row per
indexed document). With the PostgreSQL backend they are in the app's database (migration
e5a1c0de5e11); with the embedded Whoosh backend in `vectors.sqlite3` beside the index files, so they are
cleared and rebuilt with the index.

Only candidates' vectors are read per suggest (one indexed SELECT; the sentence embeddings' are rows of the
per-process neighbour matrix when the process holds it, `held_text`); the model is loaded once per process and
again when its version changes (checked at most every MODEL_CHECK_SECONDS).
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterable, Sequence

import numpy as np
from flask import current_app
from sqlalchemy import create_engine, delete, func, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.search.semantic.model import SemanticModel
from app.search.semantic.tables import text_vectors, vector_model, vectors

MODEL_CHECK_SECONDS = 2.0
_lock = threading.Lock()
_EXT = "otklik.semantic"


def _state() -> dict:
    """Per app: the engine (by backend) and the cached model (model, version, checked at)."""
    return current_app.extensions.setdefault(_EXT, {"engines": {}, "models": {}})


def engine() -> Engine:
    """The PostgreSQL app database for the postgres backend, else a SQLite file beside the Whoosh index."""
    config = current_app.config
    if config.get("SEARCH_BACKEND") == "postgres":
        return db.engine  # the tables come with the app's schema (migration e5a1c0de5e11)
    path = os.path.join(config["SEARCH_INDEX_DIR"], "vectors.sqlite3")
    engines = _state()["engines"]
    with _lock:
        if path not in engines:
            made = _sqlite(path)
            for table in (vector_model, vectors, text_vectors):
                table.create(made, checkfirst=True)
            _add_seq(made)
            engines[path] = made
        return engines[path]


def _add_seq(eng: Engine) -> None:
    """A vectors.sqlite3 written before `seq` existed gets the column (what migration a9e5c3d2b147 does for
    PostgreSQL)."""
    with eng.begin() as conn:
        columns = {row[1] for row in conn.exec_driver_sql("PRAGMA table_info(search_text_vectors)")}
        if "seq" not in columns:
            conn.exec_driver_sql("ALTER TABLE search_text_vectors ADD COLUMN seq BIGINT NOT NULL DEFAULT 0")
            conn.exec_driver_sql(
                "CREATE INDEX IF NOT EXISTS ix_search_text_vectors_model_seq ON search_text_vectors (model, seq)"
            )
            conn.execute(delete(vector_model).where(vector_model.c.name == TEXT_VERSION))


def _sqlite(path: str) -> Engine:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return create_engine(f"sqlite:///{path}", connect_args={"timeout": 10})


def encode(vec: np.ndarray) -> bytes:
    return vec.astype(np.float16).tobytes()


def decode(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=np.float16).astype(np.float32)


def save_model(model: SemanticModel | None) -> None:
    """Replace the model (None: no model) and forget every document vector (they belong to the old one)."""
    eng = engine()
    with eng.begin() as conn:
        conn.execute(delete(vector_model).where(vector_model.c.name == "lsa"))
        conn.execute(delete(vectors))
        if model is not None:
            model.version = uuid.uuid4().hex
            conn.execute(insert(vector_model), [{"name": "lsa", "version": model.version, "data": model.to_bytes()}])
    _state()["models"][str(eng.url)] = (model, model.version if model else None, time.monotonic())


def recheck_model() -> None:
    """Another process may have saved a new model (a reindex): look at its version on the next load_model()."""
    models = _state()["models"]
    for key, (cached, version, _checked) in list(models.items()):
        models[key] = (cached, version, 0.0)


def load_model() -> SemanticModel | None:
    eng = engine()
    key = str(eng.url)
    models = _state()["models"]
    cached, version, checked = models.get(key, (None, None, 0.0))
    if time.monotonic() - checked < MODEL_CHECK_SECONDS:
        return cached
    with eng.connect() as conn:
        current = conn.scalar(select(vector_model.c.version).where(vector_model.c.name == "lsa"))
        if current is not None and current != version:
            data = conn.scalar(select(vector_model.c.data).where(vector_model.c.name == "lsa"))
            cached = SemanticModel.from_bytes(data, current) if data is not None else None
        elif current is None:
            cached = None
    models[key] = (cached, current, time.monotonic())
    return cached


def put(rows: Iterable[tuple[str, int, np.ndarray]]) -> None:
    rows = list(rows)
    if not rows:
        return
    with engine().begin() as conn:
        _delete(conn, [(kind, ref_id) for kind, ref_id, _ in rows])
        conn.execute(insert(vectors), [{"kind": k, "ref_id": i, "vec": encode(v)} for k, i, v in rows])


def remove(keys: Sequence[tuple[str, int]]) -> None:
    if keys:
        with engine().begin() as conn:
            _delete(conn, keys)


def _delete(conn, keys: Sequence[tuple[str, int]], table=vectors) -> None:
    by_kind: dict[str, list[int]] = {}
    for kind, ref_id in keys:
        by_kind.setdefault(kind, []).append(ref_id)
    for kind, ids in by_kind.items():
        conn.execute(delete(table).where(table.c.kind == kind, table.c.ref_id.in_(ids)))


def _fetch(table, keys: Sequence[tuple[str, int]], *where) -> dict[tuple[str, int], np.ndarray]:
    """The vectors `table` holds for these documents: one SELECT on its ref_id index."""
    wanted = set(keys)
    with engine().connect() as conn:
        rows = conn.execute(
            select(table.c.kind, table.c.ref_id, table.c.vec).where(
                table.c.ref_id.in_(sorted({ref_id for _, ref_id in keys})), *where
            )
        ).all()
    return {(k, i): decode(v) for k, i, v in rows if (k, i) in wanted}


def get(keys: Sequence[tuple[str, int]]) -> dict[tuple[str, int], np.ndarray]:
    """Vectors of the given documents (those that have one)."""
    if not keys:
        return {}
    return _fetch(vectors, keys)


def clear() -> None:
    save_model(None)


# English sentence embeddings (minilm.py), kept apart from the LSA model's vectors: the encoder is fixed, so
# they stay valid across reindexes; `digest` (of the model name and the text embedded) says when to redo one.


def put_text(rows: Iterable[tuple[str, int, str, str, np.ndarray]]) -> None:
    """Store (kind, ref_id, model, digest, unit vector) rows, replacing those documents' previous vectors."""
    rows = list(rows)
    if not rows:
        return
    with engine().begin() as conn:
        seq = _bump_text(conn)
        _delete(conn, [(kind, ref_id) for kind, ref_id, *_ in rows], text_vectors)
        conn.execute(
            insert(text_vectors),
            [{"kind": k, "ref_id": i, "model": m, "digest": d, "vec": encode(v), "seq": seq} for k, i, m, d, v in rows],
        )
    recheck_text()


def remove_text(keys: Sequence[tuple[str, int]]) -> None:
    if keys:
        with engine().begin() as conn:
            if conn.execute(
                select(func.count())
                .select_from(text_vectors)
                .where(text_vectors.c.ref_id.in_(sorted({ref_id for _, ref_id in keys})))
            ).scalar():
                _bump_text(conn)
                _delete(conn, keys, text_vectors)
        recheck_text()


# A row of search_vector_model whose version is the number of the last write of embeddings: every write takes
# the next number (holding the row's lock until it commits) and stores its rows with it, so a reader that saw
# number N has every row numbered N or less and asks only for those above.
TEXT_VERSION = "text-vectors"


def _bump_text(conn) -> int:
    """The next write number, in the writing transaction (first, so that writers queue on this one row)."""
    row = conn.execute(
        select(vector_model.c.version).where(vector_model.c.name == TEXT_VERSION).with_for_update()
    ).first()
    if row is None:
        try:
            with conn.begin_nested():
                conn.execute(insert(vector_model), [{"name": TEXT_VERSION, "version": "1", "data": b""}])
            return 1
        except IntegrityError:  # another writer made the row first: queue on it
            row = conn.execute(
                select(vector_model.c.version).where(vector_model.c.name == TEXT_VERSION).with_for_update()
            ).first()
    number = int(row[0]) + 1 if row[0].isdigit() else 1
    conn.execute(update(vector_model).where(vector_model.c.name == TEXT_VERSION).values(version=str(number)))
    return number


def text_digests(model: str | None, keys: Sequence[tuple[str, int]] | None = None) -> dict[tuple[str, int], str]:
    """{(kind, ref_id): digest} of the documents (these keys, or all) embedded with `model` (None: by any; the
    digest names the model): what need not be embedded again."""
    stmt = select(text_vectors.c.kind, text_vectors.c.ref_id, text_vectors.c.digest)
    if model is not None:
        stmt = stmt.where(text_vectors.c.model == model)
    if keys is not None:
        if not keys:
            return {}
        stmt = stmt.where(text_vectors.c.ref_id.in_(sorted({ref_id for _, ref_id in keys})))
    with engine().connect() as conn:
        rows = conn.execute(stmt).all()
    wanted = set(keys) if keys is not None else None
    return {(k, i): d for k, i, d in rows if wanted is None or (k, i) in wanted}


def text_keys() -> list[tuple[str, int]]:
    with engine().connect() as conn:
        return [(k, i) for k, i in conn.execute(select(text_vectors.c.kind, text_vectors.c.ref_id)).all()]


def get_text(keys: Sequence[tuple[str, int]], model: str) -> dict[tuple[str, int], np.ndarray]:
    """Embeddings (by `model`) of the given documents (those that have one): one indexed SELECT."""
    if not keys:
        return {}
    return _fetch(text_vectors, keys, text_vectors.c.model == model)


TEXT_CHECK_SECONDS = 2.0


def nearest_text(query_vec: np.ndarray, count: int, model: str) -> list[tuple[tuple[str, int], float]]:
    """The `count` documents whose embedding by `model` is nearest to `query_vec`, nearest first, with
    their cosine.
    The matrix of every embedding is kept per process; the rows written since are added when the write number
    (a row of search_vector_model) moved (looked at at most every TEXT_CHECK_SECONDS, at once after a write)."""
    if count <= 0:
        return []
    keys, matrix, _rows = _text_matrix(model)
    if not keys:
        return []
    sims = matrix @ query_vec.astype(np.float32)
    take = min(count, len(keys))
    best = np.argpartition(-sims, take - 1)[:take]
    return [(keys[int(i)], float(sims[i])) for i in best[np.argsort(-sims[best])]]


def held_text(keys: Sequence[tuple[str, int]], model: str) -> dict[tuple[str, int], np.ndarray]:
    """Embeddings of the given documents as get_text gives them, taken from the process's matrix (the one
    nearest_text searches, as fresh as it) instead of a SELECT per suggestion (~1 ms of every English one);
    documents the matrix does not hold (embedded since it was read, or without an embedding) are read."""
    if not keys:
        return {}
    if not has_matrix(model):  # re-ranking alone never reads every embedding into the process
        found = get_text(keys, model)
        return {key: found[key] for key in sorted(found, key=lambda key: (key[1], key[0]))}
    _keys, matrix, rows = _text_matrix(model)
    found = {key: matrix[rows[key]] for key in keys if key in rows}
    missing = [key for key in keys if key not in found]
    if missing:
        found.update(get_text(missing, model))
    # in the order the SELECT reads them (its ref_id index): documents of equal cosine (the same text) keep their
    # order in the fusion's stable sort
    return {key: found[key] for key in sorted(found, key=lambda key: (key[1], key[0]))}


class _Matrix:
    """A process's copy of every embedding by one model: float32 rows in a buffer that grows, {key: row}, and the
    write number it is complete up to."""

    def __init__(self):
        self.keys: list[tuple[str, int]] = []
        self.rows: dict[tuple[str, int], int] = {}
        self.data = np.zeros((0, 0), dtype=np.float32)
        self.seq: int | None = None  # None: never read
        self.loaded_at = 0.0
        self.checked = 0.0

    @property
    def matrix(self) -> np.ndarray:
        return self.data[: len(self.keys)]

    def add(self, keys: list[tuple[str, int]], vecs: np.ndarray) -> None:
        """Rows for new documents, in place for ones already held (re-embedded)."""
        if not keys:
            return
        if self.data.shape[1] != vecs.shape[1]:
            self.data = np.zeros((0, vecs.shape[1]), dtype=np.float32)
        new = [key for key in dict.fromkeys(keys) if key not in self.rows]
        need = len(self.keys) + len(new)
        if need > len(self.data):
            grown = np.zeros((max(need, len(self.data) * 3 // 2, 1024), vecs.shape[1]), dtype=np.float32)
            grown[: len(self.keys)] = self.matrix
            self.data = grown
        for key in new:
            self.rows[key] = len(self.keys)
            self.keys.append(key)
        self.data[[self.rows[key] for key in keys]] = vecs


def has_matrix(model: str) -> bool:
    """Whether this process holds the matrix of `model`'s embeddings (a search for neighbours read it)."""
    held = _state().get("text", {}).get((str(engine().url), model))
    return held is not None and held.seq is not None


def text_count(model: str) -> int:
    """How many documents have an embedding by `model`: the matrix's rows when the process holds it, else a
    COUNT kept per app for TEXT_RELOAD_SECONDS (what decides whether neighbours may be searched by scanning them
    all)."""
    if has_matrix(model):
        return len(_state()["text"][(str(engine().url), model)].keys)
    counts = _state().setdefault("text_counts", {})
    key = (str(engine().url), model)
    count, at = counts.get(key, (0, -TEXT_RELOAD_SECONDS))
    if time.monotonic() - at >= TEXT_RELOAD_SECONDS:
        with engine().connect() as conn:
            count = conn.scalar(select(func.count()).select_from(text_vectors).where(text_vectors.c.model == model))
        counts[key] = (count, time.monotonic())
    return count


TEXT_RELOAD_SECONDS = 600.0  # a whole reading now and then drops the rows of documents removed since


def recheck_text() -> None:
    """Embeddings were written (by this process, or by another one whose write moved the suggest cache's
    version): look at the write number on the next search, not TEXT_CHECK_SECONDS later."""
    for held in _state().get("text", {}).values():
        held.checked = 0.0


def _text_matrix(model: str) -> tuple[list[tuple[str, int]], np.ndarray, dict[tuple[str, int], int]]:
    """(keys, float32 matrix, {key: row}) of every embedding by `model`, kept per process: when the write number
    moved (looked at at most every TEXT_CHECK_SECONDS, or at once after recheck_text), only the rows written
    since are read."""
    eng = engine()
    cache = _state().setdefault("text", {})
    held = cache.setdefault((str(eng.url), model), _Matrix())
    now = time.monotonic()
    if now - held.checked < TEXT_CHECK_SECONDS and held.seq is not None:
        return held.keys, held.matrix, held.rows
    with eng.connect() as conn:
        version = conn.scalar(select(vector_model.c.version).where(vector_model.c.name == TEXT_VERSION))
        seq = int(version) if version is not None and version.isdigit() else 0
        if held.seq is None or now - held.loaded_at > TEXT_RELOAD_SECONDS or seq < held.seq:
            held = cache[(str(eng.url), model)] = _Matrix()
            held.loaded_at = now
            where = [text_vectors.c.model == model]
        elif seq == held.seq:
            held.checked = now
            return held.keys, held.matrix, held.rows
        else:
            where = [text_vectors.c.model == model, text_vectors.c.seq > held.seq]
        rows = conn.execute(select(text_vectors.c.kind, text_vectors.c.ref_id, text_vectors.c.vec).where(*where)).all()
    if rows:
        vecs = np.stack([np.frombuffer(v, dtype=np.float16) for _, _, v in rows]).astype(np.float32)
        held.add([(k, i) for k, i, _ in rows], vecs)
    held.seq, held.checked = seq, now
    return held.keys, held.matrix, held.rows
