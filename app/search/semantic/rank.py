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

from app.search import analysis, planning
from app.search.documents import Hit, Scope
from app.search.semantic import e5, encoders, minilm, store
from app.search.semantic.encoders import Choice

DEFAULTS = {
    "SEARCH_SEMANTIC": True,
    "SEARCH_SEMANTIC_EXPAND": 5,
    "SEARCH_SEMANTIC_EXPAND_MODE": "fill",
    "SEARCH_SEMANTIC_RERANK": False,  # measured: lowers hit@5 on qatarliving-semeval (bench/README.md)
    "SEARCH_SEMANTIC_CANDIDATES": 30,
    "SEARCH_SEMANTIC_RRF_K": 60,
    "SEARCH_SEMANTIC_WEIGHT": 1.0,
    "SEARCH_SEMANTIC_MIN_COSINE": 0.3,
    # English requests (Latin letters) with the sentence encoder (minilm.py): its cosine re-ranks the
    # lexical candidates (RRF as above, same K, candidates and weight); NEIGHBOURS documents nearest to the
    # request by that cosine (cosine >= MIN_COSINE, 0 = none) join the candidates of the fusion ("fuse"), or
    # only take the places the words left ("fill"). Measured on banking77 and qatarliving-semeval: bench/README.
    "SEARCH_MINILM": True,
    "SEARCH_MINILM_RERANK": True,
    "SEARCH_MINILM_NEIGHBOURS": 10,
    "SEARCH_MINILM_NEIGHBOURS_MODE": "fuse",
    # The request's first word pieces embedded (minilm.QUERY_TOKENS; the encoder reads up to minilm.MAX_TOKENS).
    "SEARCH_MINILM_QUERY_TOKENS": minilm.QUERY_TOKENS,
    # Requests and documents in Cyrillic letters (Russian, Ukrainian) with multilingual-e5-small (e5.py), the
    # same parts and rules; SEARCH_E5_LATIN: e5 reads Latin-letter texts too, in place of MiniLM (encoders.py).
    # Off by default: it lifts rutube-support (+0.03-0.05 hit@5) but not kyiv-1551, and it doubles a suggestion's
    # time (Whoosh, 100,000 topics: p95 8.8 -> 43.6 ms; the goal is 20): bench/README.md.
    "SEARCH_E5": False,
    "SEARCH_E5_LATIN": False,
    "SEARCH_E5_RERANK": True,
    "SEARCH_E5_NEIGHBOURS": 10,
    "SEARCH_E5_NEIGHBOURS_MODE": "fill",  # fuse: +0.01 hit@5 on rutube-support, a scan of every embedding per request
    "SEARCH_E5_QUERY_TOKENS": e5.QUERY_TOKENS,
    # e5's cosines between a request and a document: about 0.75-0.84 unrelated, 0.85-0.95 related (bench/README.md)
    "SEARCH_E5_MIN_COSINE": 0.85,
    # Neighbours are found by scanning every embedding of the model, kept in each process (1.5 KB a document):
    # above this many documents embedded by a model, its requests only re-rank the lexical candidates.
    "SEARCH_NEIGHBOURS_MAX_DOCS": 200_000,
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


def rrf(hits: list[Hit], neighbours: list[tuple[str, int]], sims: dict[tuple[str, int], float]) -> list[Hit]:
    """Reciprocal rank fusion of two lists: the lexical hits in their order, and every candidate (hits and
    neighbours) that has a vector, by cosine. A document counts 1/(K + rank) for each list it is in
    (the second weighted by W)."""
    k, weight = float(setting("SEARCH_SEMANTIC_RRF_K")), float(setting("SEARCH_SEMANTIC_WEIGHT"))
    score: dict[tuple[str, int], float] = {}
    for rank, h in enumerate(hits, start=1):
        score[(h.kind, h.id)] = 1.0 / (k + rank)
    for key in neighbours:
        score.setdefault(key, 0.0)
    for rank, key in enumerate(sorted(sims, key=lambda key: -sims[key]), start=1):
        score[key] = score.get(key, 0.0) + weight / (k + rank)
    ordered = sorted(score, key=lambda key: -score[key])
    return [Hit(kind=kind, id=ref_id, score=score[(kind, ref_id)]) for kind, ref_id in ordered]


def sentence_hits(
    backend, hits: list[Hit], request_vec, choice: Choice, rerank: bool, neighbours: int, limit: int
) -> list[Hit]:
    """The lexical candidates re-ranked by the sentence encoder's cosine to the request (`rerank`), and the
    `neighbours` documents nearest to it (they may share no word with the request): with
    <prefix>_NEIGHBOURS_MODE "fill" they take the places the words left (only looked for when the
    words found fewer than `limit`), with "fuse" they join the candidates of the fusion. `request_vec()` gives
    the request's vector (embedded only when needed)."""
    fuse_near = setting(f"{choice.prefix}_NEIGHBOURS_MODE") == "fuse"
    if not rerank and not fuse_near and len(hits) >= limit:
        return hits  # no place left to fill: the request is not embedded
    query_vec = request_vec()
    near: list[tuple[str, int]] = []
    if (
        neighbours > 0
        and (fuse_near or len(hits) < limit)
        and store.text_count(choice.name) <= int(float(setting("SEARCH_NEIGHBOURS_MAX_DOCS")))
    ):
        seen = {(h.kind, h.id) for h in hits}
        floor = float(setting(choice.floor_setting))
        near = [
            key
            for key, sim in store.nearest_text(query_vec, neighbours, choice.name)
            if key not in seen and sim >= floor
        ]
        held = backend.holds(near)  # only what the index holds (a cleared or partial index: not the others)
        near = [key for key in near if key in held]
        # a new document may enter without any of the request's terms: the suggest cache checks its embedding
        planning.reach_near(choice.name, query_vec, floor)
    if not fuse_near:
        if rerank and len(hits) > 1:
            vecs = store.held_text([(h.kind, h.id) for h in hits], choice.name)
            hits = rrf(hits, [], {key: float(vec @ query_vec) for key, vec in vecs.items()})
        return hits + [Hit(kind=kind, id=ref_id, score=0.0) for kind, ref_id in near]
    vecs = store.held_text([(h.kind, h.id) for h in hits] + near, choice.name)
    sims = {key: float(vec @ query_vec) for key, vec in vecs.items()}
    if not rerank:
        sims = {key: sim for key, sim in sims.items() if key in set(near)}
    return rrf(hits, near, sims)


def suggest_hits(backend, query: str, request_text: str, scope: Scope, limit: int) -> list[Hit]:
    """The suggest hits for `query` (the service's weighted request text), with meaning when enabled."""
    model = store.load_model() if setting("SEARCH_SEMANTIC") else None
    choice = encoders.for_text(request_text) if setting("SEARCH_SEMANTIC") else None
    by_sentence = choice is not None
    if model is None and not by_sentence:
        return backend.search(query, scope, mode="suggest", limit=limit).hits
    terms = analysis.analyse_query(request_text)
    fill = setting("SEARCH_SEMANTIC_EXPAND_MODE") == "fill"
    if not fill and model is not None:
        extra = expansion(terms, model)
        query = f"{query}\n{' '.join(extra)}" if extra else query
    rerank_sentence = by_sentence and bool(setting(f"{choice.prefix}_RERANK"))
    neighbours = int(float(setting(f"{choice.prefix}_NEIGHBOURS"))) if by_sentence else 0
    rerank = model is not None and bool(setting("SEARCH_SEMANTIC_RERANK")) and not by_sentence
    many = rerank or rerank_sentence
    wanted = max(limit, int(float(setting("SEARCH_SEMANTIC_CANDIDATES")))) if many else limit
    request_vec = None
    if by_sentence:
        tokens = int(float(setting(f"{choice.prefix}_QUERY_TOKENS")))
        certain = rerank_sentence or (neighbours > 0 and setting(f"{choice.prefix}_NEIGHBOURS_MODE") == "fuse")
        # embedded while the words are searched when it will be needed whatever they find (and the encoder
        # releases the GIL), else only when needed
        pending = encoders.embed_request(choice, request_text, tokens) if certain and choice.parallel else None

        def request_vec():
            return (pending or encoders.embed_request(choice, request_text, tokens)).result()

    hits = backend.search(query, scope, mode="suggest", limit=wanted).hits
    if rerank_sentence or neighbours > 0:
        hits = sentence_hits(backend, hits, request_vec, choice, rerank_sentence, neighbours, limit)
    query_vec = model.embed_terms(terms) if rerank else None
    if query_vec is not None and len(hits) > 1:
        hits = fuse(hits, query_vec)
    hits = hits[:limit]
    if model is None:
        return hits
    if fill and len(hits) < limit:  # the neighbours are looked for only when words found too little
        extra = expansion(terms, model)
        if extra:
            seen = {(h.kind, h.id) for h in hits}
            more = backend.search(" ".join(extra), scope, mode="suggest", limit=limit).hits
            hits += [h for h in more if (h.kind, h.id) not in seen][: limit - len(hits)]
    return hits
