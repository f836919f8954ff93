"""Vectors in step with the index: trained over every document by `flask search reindex` (rebuild), and
folded in for each document the outbox applies in between (index_docs / remove_docs)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from app.search import analysis
from app.search.documents import SearchDoc, get_kind, kinds
from app.search.semantic import model as lsa
from app.search.semantic import store

BODY_CHARS = 4000  # what of a long body counts: its beginning says what it is about
BATCH = 500


def doc_terms(doc: SearchDoc) -> list[str]:
    """A document's terms for its vector: the title twice, then the body and the answers."""
    title = analysis.analyse(doc.title or "")
    return title + title + analysis.analyse((doc.body or "")[:BODY_CHARS]) + analysis.analyse(doc.answers or "")


def index_docs(docs: Sequence[SearchDoc]) -> None:
    model = store.load_model()
    if model is None:
        return
    rows = []
    for doc in docs:
        vec = model.embed_terms(doc_terms(doc))
        if vec is not None:
            rows.append((doc.kind, doc.id, vec))
    store.remove([doc.key for doc in docs])
    store.put(rows)


def remove_docs(keys: Sequence[tuple[str, int]]) -> None:
    if store.load_model() is not None:
        store.remove(keys)


def _all_docs(session: Session, progress: Callable[[int], None]):
    for kind in kinds():
        registered = get_kind(kind)
        ids = list(registered.all_ids(session))
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            for doc in registered.loader(session, chunk).values():
                if doc is not None:
                    yield doc
            progress(len(chunk))


def count(session: Session) -> int:
    return sum(len(list(get_kind(kind).all_ids(session))) for kind in kinds())


def rebuild(session: Session, progress: Callable[[int], None] = lambda n: None) -> int:
    """Train the model on every searchable document and store all vectors. Reports progress in documents
    (read, then embedded: twice the count in all). Returns how many documents got a vector."""
    keys, texts = [], []
    for doc in _all_docs(session, progress):
        keys.append(doc.key)
        texts.append(doc_terms(doc))
    model = lsa.train(texts)
    store.save_model(model)
    if model is None:
        progress(len(keys))
        return 0
    done = 0
    for start in range(0, len(keys), BATCH):
        rows = []
        for key, terms in zip(keys[start : start + BATCH], texts[start : start + BATCH], strict=True):
            vec = model.embed_terms(terms)
            if vec is not None:
                rows.append((key[0], key[1], vec))
        store.put(rows)
        done += len(rows)
        progress(min(BATCH, len(keys) - start))
    return done
