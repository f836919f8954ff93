"""Vectors in step with the index: trained over every document by `flask search reindex` (rebuild), and
folded in for each document the outbox applies in between (index_docs / remove_docs)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from app.search import analysis
from app.search.documents import SearchDoc, get_kind, kinds
from app.search.semantic import encoders, store
from app.search.semantic import model as lsa

BODY_CHARS = 4000  # what of a long body counts: its beginning says what it is about
BATCH = 500
EMBED_BATCH = 128


def doc_terms(doc: SearchDoc) -> list[str]:
    """A document's terms for its vector: the title twice, then the body and the answers."""
    title = analysis.analyse(doc.title or "")
    return title + title + analysis.analyse((doc.body or "")[:BODY_CHARS]) + analysis.analyse(doc.answers or "")


def doc_text(doc: SearchDoc) -> str:
    """What the sentence encoder reads of a document: the title, then the beginning of the body (the encoder
    reads its `doc_tokens` word pieces at most)."""
    return f"{doc.title or ''}\n{(doc.body or '')[:BODY_CHARS]}".strip()


def _digest(choice: encoders.Choice, text: str) -> str:
    return hashlib.sha1(f"{choice.name}\n{choice.doc_tokens}\n{text}".encode()).hexdigest()


def embed_docs(docs: Sequence[SearchDoc], keep: dict[tuple[str, int], str] | None = None) -> int:
    """Sentence embeddings of the documents, each by the encoder that reads its text (encoders.for_text: the
    one a request in its letters is embedded with); a document no encoder reads has none (its previous one, if
    any, is removed). `keep`: {key: digest} already stored, not embedded again. Returns how many were
    embedded."""
    wanted: dict[encoders.Choice, list] = {}
    stale = []
    for doc in docs:
        text = doc_text(doc)
        choice = encoders.for_text(text)
        if choice is None:
            stale.append(doc.key)
            continue
        digest = _digest(choice, text)
        if keep is None or keep.get(doc.key) != digest:
            wanted.setdefault(choice, []).append((doc, text, digest))
    if keep is not None:
        stale = [key for key in stale if key in keep]
    store.remove_text(stale)
    for choice, items in wanted.items():
        vecs = choice.module.encoder().encode([text for _, text, _ in items], max_tokens=choice.doc_tokens)
        store.put_text((doc.kind, doc.id, choice.name, digest, vec) for (doc, _, digest), vec in zip(items, vecs))
    return sum(len(items) for items in wanted.values())


def index_docs(docs: Sequence[SearchDoc]) -> None:
    if encoders.enabled():  # a vote or an answer re-indexes a topic: its text, and so its embedding, may not change
        embed_docs(docs, store.text_digests(None, [doc.key for doc in docs]))
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
    store.remove_text(keys)
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
    keep = store.text_digests(None) if encoders.enabled() else None
    pending: list[SearchDoc] = []
    for doc in _all_docs(session, progress):
        keys.append(doc.key)
        texts.append(doc_terms(doc))
        if keep is not None:  # sentence embeddings: only documents new or changed since they were embedded
            pending.append(doc)
            if len(pending) >= EMBED_BATCH:
                embed_docs(pending, keep)
                pending = []
    if keep is not None:
        embed_docs(pending, keep)
        present = set(keys)
        store.remove_text([key for key in store.text_keys() if key not in present])
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
