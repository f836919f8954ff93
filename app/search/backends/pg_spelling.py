"""The PostgreSQL backend's vocabulary work: document counts of query terms, typo corrections from the
pg_trgm index of `search_terms` (the analyser's edit-distance rule decides), and "did you mean"."""

from __future__ import annotations

from sqlalchemy import text

from app.search import analysis, planning, typos
from app.search.backends.pg_lexemes import text_array, usable

MAX_CORRECTIONS = 8  # unknown query terms corrected per query
TRIGRAM_THRESHOLD = 0.25  # pg_trgm similarity of correction candidates


def doc_counts(conn, terms: list[str]) -> dict[str, int]:
    """Document counts of the terms the index knows (the search_terms vocabulary)."""
    found = conn.execute(
        text("SELECT term, doc_count FROM search_terms WHERE term = ANY(:terms) AND doc_count > 0").bindparams(
            text_array("terms")
        ),
        {"terms": terms},
    )
    return {term: int(n) for term, n in found}


def corrections(conn, unknown: dict[str, str], trigrams_available) -> dict[str, tuple[str, int]]:
    """{term: raw word} unknown to the index -> {term: (known term, its document count)}.

    Only typos are corrected: a word the ru/uk dictionary knows is left alone. Candidates come from the
    trigram index of the vocabulary; the analyser's edit-distance rule (typo_budget) picks the term.
    The term (a lemma or stem) is tried first, then the raw word ("приложенее": the lemma guess is
    "приложеный", but the word itself is one letter from "приложение"). `trigrams_available()` says whether
    pg_trgm can be used (asked only when there is something to correct)."""
    wanted: dict[str, list[str]] = {}
    for term, raw in list(unknown.items())[:MAX_CORRECTIONS]:
        if analysis.is_dictionary_word(raw):
            continue
        tries = [term]
        word = analysis.normalise_word(raw)
        if word != term and "-" not in word:
            tries.append(word)
        tries = [t for t in tries if typos.typo_budget(t) > 0 and usable(t)]
        if tries:
            wanted[term] = tries
    if not wanted or not trigrams_available():
        return {}
    lookups = sorted({t for tries in wanted.values() for t in tries})
    # For this transaction only: one edit in a short word leaves few trigrams in common.
    conn.execute(
        text("SELECT set_config('pg_trgm.similarity_threshold', :limit, true)"), {"limit": str(TRIGRAM_THRESHOLD)}
    )
    found = conn.execute(
        text(
            "SELECT q.term, c.term, c.doc_count FROM unnest(:terms) AS q(term) "
            "CROSS JOIN LATERAL (SELECT s.term, s.doc_count FROM search_terms s "
            "  WHERE s.term % q.term AND s.doc_count > 0 "
            "  ORDER BY similarity(s.term, q.term) DESC, s.doc_count DESC LIMIT 20) AS c"
        ).bindparams(text_array("terms")),
        {"terms": lookups},
    )
    candidates: dict[str, dict[str, int]] = {}
    for term, candidate, df in found:
        candidates.setdefault(term, {})[candidate] = int(df)
    out = {}
    for term, tries in wanted.items():
        for attempt in tries:
            cands = candidates.get(attempt)
            best = typos.correct_term(attempt, cands, cands) if cands else None
            if best is not None:
                out[term] = (best, cands[best])
                break
    return out


def spelling_suggestion(engine, query: str, trigrams_available) -> str | None:
    """The "did you mean" for a query: each word the index does not know replaced by its correction."""
    if not isinstance(query, str):
        return None
    query = query[: analysis.MAX_QUERY_CHARS]
    if not query.strip():
        return None
    spans = [s for s in analysis.analyse_spans(query, max_words=64) if usable(s[0])]
    if not spans:
        return None
    with engine().connect() as conn:
        known = doc_counts(conn, list({t for t, _, _ in spans}))
        words = planning.unknown_words(query, spans, known.__contains__)
        unknown: dict[str, str] = {}
        for word in words:
            for t in word.terms:
                unknown.setdefault(t, word.raw)
        fixes = corrections(conn, unknown, trigrams_available) if unknown else {}
    shown = []
    for word in words:
        fix = next((fixes[t][0] for t in word.terms if t in fixes), None)
        shown.append(planning.shown_correction(word.raw, word.terms[0], fix) if fix is not None else None)
    return planning.did_you_mean(query, words, shown)
