"""Suggest with meaning: the backend's lexical candidates re-ranked by a blend of their lexical score and the
cosine of their vector with the request's, plus a few nearest neighbours by meaning that the lexical search
did not find (they may share no word with the request). Same for both backends.

SEARCH_SEMANTIC (default on) turns it off; SEARCH_SEMANTIC_WEIGHT is the share of meaning in the blend;
SEARCH_SEMANTIC_NEIGHBOURS how many neighbours may join; SEARCH_SEMANTIC_MIN_COSINE their floor.
"""
from __future__ import annotations

from flask import current_app

from app.search import semantic, vector_store
from app.search.backends import get_backend
from app.search.documents import Hit, Scope

CANDIDATES = 30


def enabled() -> bool:
    return bool(current_app.config.get("SEARCH_SEMANTIC", True)) and semantic.available()


def suggest_hits(query: str, request_text: str, scope: Scope, limit: int) -> list[Hit]:
    backend = get_backend()
    if not enabled():
        return backend.search(query, scope, mode="suggest", limit=limit).hits
    hits = backend.search(query, scope, mode="suggest", limit=max(limit, CANDIDATES)).hits
    query_vec = semantic.embed(request_text)
    if query_vec is None:
        return hits[:limit]
    config = current_app.config
    weight = float(config.get("SEARCH_SEMANTIC_WEIGHT", 0.0))
    sims = vector_store.similarities(query_vec, [(h.kind, h.id) for h in hits])
    top_lexical = max((h.score for h in hits), default=0.0) or 1.0
    scored: dict[tuple[str, int], float] = {}
    for hit in hits:
        key = (hit.kind, hit.id)
        scored[key] = (1 - weight) * hit.score / top_lexical + weight * sims.get(key, 0.0)
    floor = float(config.get("SEARCH_SEMANTIC_MIN_COSINE", 0.5))
    wanted = int(config.get("SEARCH_SEMANTIC_NEIGHBOURS", 3))
    # The brute-force scan costs about as much as the lexical search at 100k items (bench/search_semantic.py):
    # it runs only when words found too little, or nothing close in meaning.
    if wanted and (len(hits) < limit or max(sims.values(), default=0.0) < floor):
        for key, sim in vector_store.nearest(query_vec, scope, wanted, set(scored)):
            if sim >= floor:  # with no blend (weight 0) they only fill the places words left empty
                scored[key] = weight * sim if weight > 0 else sim - 1.0
    ranked = sorted(scored.items(), key=lambda item: -item[1])[:limit]
    return [Hit(kind=kind, id=ref_id, score=score) for (kind, ref_id), score in ranked]
