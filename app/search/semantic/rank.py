"""Suggest with meaning, the one place where it joins ranking (service.suggest calls suggest_hits).

1. Neighbours by meaning (SEARCH_SEMANTIC_EXPAND terms, 0 = off): the terms closest in meaning to the
   request's terms (model.neighbours, cosine >= SEARCH_SEMANTIC_MIN_COSINE), so that a thread sharing no
   word with the request can be suggested. SEARCH_SEMANTIC_EXPAND_MODE "fill" (default) searches them on
   their own only when the request's words found fewer than `limit` items, and the threads found fill the
   places left; "query" adds them to the lexical query itself (measured: worse on every bench set).
2. Re-ranking (SEARCH_SEMANTIC_RERANK): the backend's SEARCH_SEMANTIC_CANDIDATES best lexical candidates are
   ordered by reciprocal rank fusion, 1/(K + lexical rank) + W/(K + rank by cosine to the request), which
   needs no calibration between BM25 scores and cosines (K = SEARCH_SEMANTIC_RRF_K, W =
   SEARCH_SEMANTIC_WEIGHT).

SEARCH_SEMANTIC=0 turns both off (today's ranking). Without a trained model (before the first reindex, or
too little text) suggest is purely lexical.
"""

from __future__ import annotations

import numpy as np
from flask import current_app

from app.search import analysis
from app.search.documents import Hit, Scope
from app.search.semantic import store

DEFAULTS = {
    "SEARCH_SEMANTIC": True,
    "SEARCH_SEMANTIC_EXPAND": 5,
    "SEARCH_SEMANTIC_EXPAND_MODE": "fill",
    "SEARCH_SEMANTIC_RERANK": False,  # measured: lowers hit@5 on qatarliving-semeval (bench/README.md)
    "SEARCH_SEMANTIC_CANDIDATES": 30,
    "SEARCH_SEMANTIC_RRF_K": 60,
    "SEARCH_SEMANTIC_WEIGHT": 1.0,
    "SEARCH_SEMANTIC_MIN_COSINE": 0.3,
}


def setting(name: str):
    return current_app.config.get(name, DEFAULTS[name])


def expansion(terms: list[str], model) -> list[str]:
    wanted = int(float(setting("SEARCH_SEMANTIC_EXPAND")))
    if wanted <= 0:
        return []
    floor = float(setting("SEARCH_SEMANTIC_MIN_COSINE"))
    return [term for term, sim in model.neighbours(terms, wanted) if sim >= floor]


def fuse(hits: list[Hit], query_vec: np.ndarray) -> list[Hit]:
    vecs = store.get([(h.kind, h.id) for h in hits])
    sims = {key: float(vec @ query_vec) for key, vec in vecs.items()}
    by_meaning = sorted(sims, key=lambda key: -sims[key])
    sem_rank = {key: rank for rank, key in enumerate(by_meaning, start=1)}
    k, weight = float(setting("SEARCH_SEMANTIC_RRF_K")), float(setting("SEARCH_SEMANTIC_WEIGHT"))
    missing = len(hits) + 1
    scored = [
        (1.0 / (k + rank) + weight / (k + sem_rank.get((h.kind, h.id), missing)), h)
        for rank, h in enumerate(hits, start=1)
    ]
    scored.sort(key=lambda pair: -pair[0])
    return [Hit(kind=h.kind, id=h.id, score=score) for score, h in scored]


def suggest_hits(backend, query: str, request_text: str, scope: Scope, limit: int) -> list[Hit]:
    """The suggest hits for `query` (the service's weighted request text), with meaning when enabled."""
    model = store.load_model() if setting("SEARCH_SEMANTIC") else None
    if model is None:
        return backend.search(query, scope, mode="suggest", limit=limit).hits
    terms = analysis.analyse_query(request_text)
    fill = setting("SEARCH_SEMANTIC_EXPAND_MODE") == "fill"
    if not fill:
        extra = expansion(terms, model)
        query = f"{query}\n{' '.join(extra)}" if extra else query
    rerank = bool(setting("SEARCH_SEMANTIC_RERANK"))
    wanted = max(limit, int(float(setting("SEARCH_SEMANTIC_CANDIDATES")))) if rerank else limit
    hits = backend.search(query, scope, mode="suggest", limit=wanted).hits
    query_vec = model.embed_terms(terms) if rerank else None
    if query_vec is not None and len(hits) > 1:
        hits = fuse(hits, query_vec)
    hits = hits[:limit]
    if fill and len(hits) < limit:  # the neighbours are looked for only when words found too little
        extra = expansion(terms, model)
        if extra:
            seen = {(h.kind, h.id) for h in hits}
            more = backend.search(" ".join(extra), scope, mode="suggest", limit=limit).hits
            hits += [h for h in more if (h.kind, h.id) not in seen][: limit - len(hits)]
    return hits
