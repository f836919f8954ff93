"""PostgreSQL full-text search backend (for several web servers sharing one database).

Documents and queries go through our own analyser (app/search/analysis.py), exactly as in the Whoosh
backend; PostgreSQL only stores and matches the resulting terms:

- `search_documents.tsv` is built from the analysed terms themselves (tsvector input text: each term one
  lexeme with its positions, weight A title, B official answers, C body). PostgreSQL's parser never
  re-splits a term (to_tsvector('simple', 'wi-fi') would give three lexemes) and no dictionary runs;
- queries are tsquery values built from analysed terms, each quoted as a lexeme (`'term'`) and passed as a
  bind parameter: user text never reaches a query parser or the SQL text;
- ranking is BM25F: per query term, its presence in the title and the answers and its frequency in the
  body (read with ts_rank, see `_term_score_sql`), each normalised by its field's length, weighted, summed
  and saturated; inverse document frequencies come from the `search_terms` vocabulary, which every write
  keeps exact. A small popularity boost, the kind's rank_boost, and in mode "search" the documents with
  every query term first. ts_rank / ts_rank_cd alone know no idf: "card" would weigh as much as
  "chargeback" (measured: clearly worse on the benchmark sets);
- only a bounded candidate set is ranked: the GIN index finds the documents containing the rarest query
  terms (while their document counts fit in CANDIDATE_BUDGET), and each candidate's tsvector is
  detoasted once for all the term tests;
- query words unknown to the index are corrected against the vocabulary (pg_trgm candidates, then the
  analyser's edit-distance rule), which also gives `spelling_suggestion` (pg_spelling.py); tsvector and
  tsquery text is built in pg_lexemes.py.

Writes use their own connection and transaction (`db.engine.begin()`), independent of `db.session`: the
outbox drain calls them after the application's commit, and they commit on their own.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.extensions import db
from app.search import analysis, documents
from app.search.backends import pg_spelling
from app.search.backends.base import SearchBackend
from app.search.backends.pg_lexemes import (
    int_array,
    lexeme,
    text_array,
    tsquery_all,
    tsquery_or,
    tsvector_literal,
    usable,
)
from app.search.documents import PRIVATE, PUBLIC, Filters, Hit, Scope, SearchDoc, SearchResult
from app.search.pg_models import SearchDocument, SearchMeta, SearchTerm  # noqa: F401  (the tables it uses)

log = logging.getLogger(__name__)

# ---------------------------------------------------------------- ranking (tuned on bench/search_quality)
K1 = 2.0  # BM25 saturation
B = 0.75  # length normalisation of answers and body
TITLE_B = 0.75  # length normalisation of the title
# title, official answers, body, "also asked as" (phrasings learnt from customers, app/learning: below the
# title and, being capped in length, counted once per term without length normalisation, as on Whoosh)
FIELD_WEIGHTS = {"A": 2.5, "B": 1.5, "C": 1.0, "D": 1.25}
PHRASE_WEIGHT = 0.3  # bonus (x the rarer term's weight) where two consecutive query terms are adjacent
MAX_PHRASES = 8  # consecutive query-term pairs checked (the first ones: the title)
POPULARITY_BOOST = 0.03  # score x (1 + POPULARITY_BOOST x ln(1 + popularity))
ANSWERED_BOOST = 0.05  # score x (1 + ANSWERED_BOOST) when the item has an official answer
CORRECTED_WEIGHT = 0.8  # a correction counts a little less than a word as typed
SUGGEST_MAX_TERMS = 160  # analysed terms read from a suggest request (title twice + body)
SUGGEST_TERMS = 40  # of which the most informative are queried
SEARCH_MAX_TERMS = 32
COMMON_DF = 1.0  # suggest: drop terms in more than this share of documents (1.0: keep all)
IDF_POWER_SHORT = 0.7  # idf ** power: flatter for short queries (see _idf_power)
SHORT_QUERY, LONG_QUERY = 8, 24  # distinct analysed query terms

# ---------------------------------------------------------------- cost bounds
CANDIDATE_BUDGET = 1000  # documents the candidate query aims at (see _candidate_query)
MAX_CANDIDATES = 1000  # never rank more (the most popular of them), whatever the query
STATS_TTL = 30.0  # seconds the document count and average lengths are cached per process

_WEIGHT_OF_FIELD = (("title", "A"), ("answers", "B"), ("body", "C"), ("also_asked", "D"))
_ZETA2 = 1.64493406685  # sum of 1/j^2: ts_rank's normalising constant


def _idf(n_docs: int, df: int, power: float = 1.0) -> float:
    return max(math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5)), 0.01) ** power


def _idf_power(distinct_terms: int) -> float:
    """Short queries: a flatter idf (every word of "card not arrived" matters, common or not); long
    requests: the plain idf, so that their many incidental words give way to the rare telling ones.
    A ramp from IDF_POWER_SHORT at SHORT_QUERY terms to 1 at LONG_QUERY terms."""
    if distinct_terms <= SHORT_QUERY:
        return IDF_POWER_SHORT
    if distinct_terms >= LONG_QUERY:
        return 1.0
    return IDF_POWER_SHORT + (1.0 - IDF_POWER_SHORT) * (distinct_terms - SHORT_QUERY) / (LONG_QUERY - SHORT_QUERY)


@dataclass
class _Group:
    """One query term: the lexemes that satisfy it (the term, or the correction of a misspelt word)."""

    lexemes: list[str]
    weight: float
    df: int


@dataclass
class _Plan:
    weights: dict[str, float]  # lexeme -> query weight (query frequency x idf)
    groups: list[_Group]
    phrases: list[tuple[str, str]]  # consecutive query terms, rewarded where adjacent in a document
    n_docs: int
    avg_title: float  # average title length (terms)
    avg_rest: float  # average length of answers + body


class PostgresBackend(SearchBackend):
    name = "postgres"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stats: tuple[float, tuple[int, float, float]] | None = None  # (taken at, stats)
        self._trgm: bool | None = None
        self._fingerprint_kept = False  # search_meta holds an analyser fingerprint (see upsert)

    # ------------------------------------------------------------ connections and caches

    @staticmethod
    def _engine():
        return db.engine

    def _ensure_trgm(self) -> bool:
        """pg_trgm gives typo-correction candidates; without it (no privilege) search works, uncorrected."""
        if self._trgm is None:
            try:
                with self._engine().begin() as conn:
                    conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
                self._trgm = True
            except DBAPIError:
                log.warning("search: pg_trgm is not available; typo correction is off", exc_info=True)
                self._trgm = False
        return self._trgm

    def _invalidate_stats(self) -> None:
        with self._lock:
            self._stats = None

    def _collection_stats(self, conn) -> tuple[int, float, float]:
        """(documents, average title length, average length of the rest), cached for STATS_TTL seconds
        (writes in this process refresh it at once; other servers' writes within STATS_TTL)."""
        with self._lock:
            cached = self._stats
        if cached is not None and time.monotonic() - cached[0] < STATS_TTL:
            return cached[1]
        n_docs, avg_title, avg_rest = conn.execute(
            text(
                "SELECT count(*), coalesce(avg(title_term_count), 0), coalesce(avg(term_count - title_term_count), 0) "
                "FROM search_documents"
            )
        ).one()
        stats = (int(n_docs), max(float(avg_title), 1.0), max(float(avg_rest), 1.0))
        with self._lock:
            self._stats = (time.monotonic(), stats)
        return stats

    # ------------------------------------------------------------ writes

    def upsert(self, docs: Sequence[SearchDoc]) -> None:
        latest: dict[tuple[str, int], SearchDoc] = {}
        for doc in docs:  # the last version of a document wins within a batch
            latest[(doc.kind, int(doc.id))] = doc
        if not latest:
            return
        rows = []
        new_terms: dict[tuple[str, int], set[str]] = {}
        for key, doc in sorted(latest.items()):
            fields = {
                "title": [t for t in analysis.analyse(doc.title or "") if usable(t)],
                "answers": [t for t in analysis.analyse(doc.answers or "") if usable(t)],
                "body": [t for t in analysis.analyse(doc.body or "") if usable(t)],
                "also_asked": [t for t in analysis.analyse(doc.also_asked or "") if usable(t)],
            }
            new_terms[key] = {t for terms in fields.values() for t in terms}
            rows.append(
                {
                    "kind": key[0],
                    "ref_id": key[1],
                    "title_terms": " ".join(fields["title"]),
                    "answer_terms": " ".join(fields["answers"]),
                    "body_terms": " ".join(fields["body"]),
                    "also_terms": " ".join(fields["also_asked"]),
                    # field lengths for BM25F: the phrasings are left out (they never lengthen a thread)
                    "term_count": sum(len(fields[name]) for name in ("title", "answers", "body")),
                    "title_term_count": len(fields["title"]),
                    "tsv": tsvector_literal([(fields[name], weight) for name, weight in _WEIGHT_OF_FIELD]),
                    "type": doc.type,
                    "status": doc.status,
                    "category_id": doc.category_id,
                    "department_id": doc.department_id,
                    "author_id": doc.author_id,
                    "visibility": doc.visibility or PUBLIC,
                    "has_answer": bool(doc.has_answer),
                    "popularity": max(float(doc.popularity or 0.0), 0.0),
                    "updated_at": doc.updated_at,
                }
            )
        keys = list(new_terms)
        with self._engine().begin() as conn:
            old_terms = self._lock_and_read_terms(conn, keys)
            conn.execute(_UPSERT_SQL, rows)
            delta: Counter[str] = Counter()
            for key in keys:
                old, new = old_terms.get(key, set()), new_terms[key]
                delta.update(new - old)
                delta.subtract(old - new)
            self._apply_vocabulary_delta(conn, delta)
            if not self._fingerprint_kept:  # once per process, not per write
                conn.execute(_KEEP_FINGERPRINT_SQL, {"fp": analysis.fingerprint()})
        self._fingerprint_kept = True
        self._invalidate_stats()

    def delete(self, keys: Sequence[tuple[str, int]]) -> None:
        keys = sorted({(str(kind), int(ref_id)) for kind, ref_id in keys})
        if not keys:
            return
        with self._engine().begin() as conn:
            old_terms = self._lock_and_read_terms(conn, keys)
            if not old_terms:
                return
            conn.execute(
                text(
                    "DELETE FROM search_documents d USING unnest(:kinds, :ids) AS k(kind, ref_id) "
                    "WHERE d.kind = k.kind AND d.ref_id = k.ref_id"
                ).bindparams(text_array("kinds"), int_array("ids")),
                {"kinds": [k for k, _ in old_terms], "ids": [i for _, i in old_terms]},
            )
            delta: Counter[str] = Counter()
            for terms in old_terms.values():
                delta.subtract(terms)
            self._apply_vocabulary_delta(conn, delta)
        self._invalidate_stats()

    @staticmethod
    def _lock_and_read_terms(conn, keys: list[tuple[str, int]]) -> dict[tuple[str, int], set[str]]:
        """Serialise writers of the same documents (transaction advisory locks, taken in key order so two
        writers cannot deadlock), then read the terms indexed for them now: the vocabulary counts stay exact
        even when two servers drain the same outbox rows at once."""
        params = {"kinds": [k for k, _ in keys], "ids": [i for _, i in keys]}
        conn.execute(
            text(
                "SELECT pg_advisory_xact_lock(hashtext('otklik-search:' || k.kind), k.ref_id) "
                "FROM unnest(:kinds, :ids) AS k(kind, ref_id) ORDER BY k.kind, k.ref_id"
            ).bindparams(text_array("kinds"), int_array("ids")),
            params,
        )
        found = conn.execute(
            text(
                "SELECT d.kind, d.ref_id, d.title_terms, d.answer_terms, d.body_terms, d.also_terms "
                "FROM search_documents d JOIN unnest(:kinds, :ids) AS k(kind, ref_id) "
                "ON d.kind = k.kind AND d.ref_id = k.ref_id"
            ).bindparams(text_array("kinds"), int_array("ids")),
            params,
        )
        return {
            (kind, ref_id): set(f"{title} {answers} {body} {also or ''}".split())
            for kind, ref_id, title, answers, body, also in found
        }

    @staticmethod
    def _apply_vocabulary_delta(conn, delta: Counter) -> None:
        changed = sorted((term, n) for term, n in delta.items() if n)
        if not changed:
            return
        # One statement, terms in a fixed order: concurrent writers lock vocabulary rows in the same order.
        conn.execute(
            text(
                "INSERT INTO search_terms (term, doc_count) "
                "SELECT t.term, t.n FROM unnest(:terms, :counts) AS t(term, n) ORDER BY t.term "
                "ON CONFLICT (term) DO UPDATE SET doc_count = search_terms.doc_count + EXCLUDED.doc_count"
            ).bindparams(text_array("terms"), int_array("counts")),
            {"terms": [t for t, _ in changed], "counts": [n for _, n in changed]},
        )
        dropped = [t for t, n in changed if n < 0]
        if dropped:
            conn.execute(
                text("DELETE FROM search_terms WHERE term = ANY(:terms) AND doc_count <= 0").bindparams(
                    text_array("terms")
                ),
                {"terms": dropped},
            )

    def clear(self) -> None:
        with self._engine().begin() as conn:
            conn.execute(text("TRUNCATE search_documents, search_terms"))
            conn.execute(_SET_FINGERPRINT_SQL, {"fp": analysis.fingerprint()})
        self._fingerprint_kept = True
        self._invalidate_stats()

    def indexed_fingerprint(self) -> str | None:
        with self._engine().connect() as conn:
            return conn.execute(text("SELECT value FROM search_meta WHERE key = 'analyser'")).scalar()

    def keys(self) -> set[tuple[str, int]]:
        with self._engine().connect() as conn:
            return {(kind, ref_id) for kind, ref_id in conn.execute(text("SELECT kind, ref_id FROM search_documents"))}

    # ------------------------------------------------------------ search

    def search(
        self,
        query: str,
        scope: Scope,
        *,
        mode: str = "search",
        filters: Filters | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> SearchResult:
        limit = max(int(limit), 0)
        offset = max(int(offset), 0)
        filters = filters or Filters()
        if limit == 0 or not isinstance(query, str):
            return SearchResult()
        with self._engine().connect() as conn:
            plan = self._plan(conn, query, mode)
            if plan is None:
                return SearchResult()
            rows = self._ranked(conn, plan, scope, mode, filters, limit, offset)
            if rows:
                total = rows[0][3]
            elif offset:  # past the last page: the pager still needs the count
                total = self._count(conn, plan, scope, filters)
            else:
                total = 0
        return SearchResult(hits=[Hit(kind=k, id=i, score=float(s)) for k, i, s, _ in rows], total=int(total))

    def _plan(self, conn, query: str, mode: str) -> _Plan | None:
        """Weighted query lexemes (query frequency x idf), unknown words replaced by their correction.

        Suggest mode works like "more like this" (a whole request is the query): only the SUGGEST_TERMS
        most informative terms are kept, so a 10 kB request costs no more than a short title (as in the
        Whoosh backend)."""
        suggest = mode == "suggest"
        max_terms = SUGGEST_MAX_TERMS if suggest else SEARCH_MAX_TERMS
        query = query[: analysis.MAX_QUERY_CHARS]
        spans = [s for s in analysis.analyse_spans(query, max_words=max_terms * 3) if usable(s[0])][:max_terms]
        if suggest and analysis.is_long_request(spans):
            spans = analysis.request_spans(spans)
        if not spans:
            return None
        counts = Counter(term for term, _, _ in spans)
        raw_of: dict[str, str] = {}
        for term, start, end in spans:
            raw_of.setdefault(term, query[start:end])
        dfs = pg_spelling.doc_counts(conn, list(counts))
        unknown = {t: raw_of[t] for t in counts if t not in dfs}
        fixes = pg_spelling.corrections(conn, unknown, self._ensure_trgm) if unknown else {}
        n_docs, avg_title, avg_rest = self._collection_stats(conn)
        if n_docs == 0:
            return None
        power = _idf_power(len(counts))
        lexeme_of: dict[str, str] = {}
        groups: dict[str, _Group] = {}
        for term, n in counts.items():
            if term in dfs:
                lexeme, df, factor = term, dfs[term], 1.0
            elif term in fixes:
                (lexeme, df), factor = fixes[term], CORRECTED_WEIGHT
            else:
                continue  # nothing to find: unknown and no correction
            weight = (1.0 + math.log(n)) * factor * _idf(n_docs, df, power)
            lexeme_of[term] = lexeme
            if lexeme not in groups or groups[lexeme].weight < weight:
                groups[lexeme] = _Group([lexeme], weight, df)
        chosen = list(groups.values())
        if suggest:
            informative = [g for g in chosen if g.df <= COMMON_DF * n_docs]
            chosen = sorted(informative or chosen, key=lambda g: (-g.weight, g.lexemes))[:SUGGEST_TERMS]
        if not chosen:
            return None
        weights = {g.lexemes[0]: g.weight for g in chosen}
        phrases: list[tuple[str, str]] = []
        sequence = [lexeme_of.get(term) for term, _, _ in spans]
        for first, second in zip(sequence, sequence[1:]):
            if len(phrases) >= MAX_PHRASES:
                break
            if first in weights and second in weights and first != second and (first, second) not in phrases:
                phrases.append((first, second))
        return _Plan(weights, chosen, phrases, n_docs, avg_title, avg_rest)

    @staticmethod
    def _where(scope: Scope, filters: Filters, params: dict) -> str:
        """Visibility (staff: everything; others: public, and private items they wrote) and filters."""
        clauses = []
        if not scope.is_staff:
            params["public"] = PUBLIC
            if scope.user_id is not None:
                params["private"], params["user_id"] = PRIVATE, int(scope.user_id)
                clauses.append("(d.visibility = :public OR (d.visibility = :private AND d.author_id = :user_id))")
            else:
                clauses.append("d.visibility = :public")
        if filters.kinds:
            params["f_kinds"] = [str(k) for k in filters.kinds]
            clauses.append("d.kind = ANY(CAST(:f_kinds AS text[]))")
        if filters.type:
            params["f_type"] = str(filters.type)
            clauses.append("d.type = :f_type")
        if filters.status:
            params["f_status"] = str(filters.status)
            clauses.append("d.status = :f_status")
        if filters.category_id is not None:
            try:
                params["f_category"] = int(filters.category_id)
                clauses.append("d.category_id = :f_category")
            except (TypeError, ValueError):
                clauses.append("false")
        return "".join(f" AND {c}" for c in clauses)

    @staticmethod
    def _candidate_query(plan: _Plan) -> tuple[str, int]:
        """The tsquery choosing the documents to rank (through the GIN index), and an upper bound of their
        number: the rarest query terms while their document counts add up to at most CANDIDATE_BUDGET (at
        least one term). A document with none of them shares only common words with the query, whose low
        idf leaves it behind (the max-score bound of top-k retrieval); this bounds the work per query."""
        chosen, bound = [], 0
        for group in sorted(plan.groups, key=lambda g: (g.df, g.lexemes)):
            if chosen and bound + group.df > CANDIDATE_BUDGET:
                break
            chosen.append(tsquery_or(group.lexemes))
            bound += group.df
        return " | ".join(chosen), bound

    @staticmethod
    def _term_score_sql(i: int) -> str:
        """BM25F contribution of query lexeme i for candidate c (fa, fb, fc: field weights over field-length
        norms). Title and answers count once; the body counts its term frequency, read from ts_rank: with
        only the body weighted, 1.645 x ts_rank = 1 + 1/2² + ... + 1/tf², which inverts to tf."""
        tf = f"(1 / ({_ZETA2} - r) - 0.5)"
        body = (
            f"(SELECT CASE WHEN r = 0 THEN 0 ELSE greatest({tf}, 1) END FROM "
            f"(SELECT {_ZETA2} * ts_rank('{{0,1,0,0}}', c.tsv, CAST(:t{i} AS tsquery), 0) AS r) AS r{i})"
        )
        x = (
            f"(CASE WHEN c.tsv @@ CAST(:ta{i} AS tsquery) THEN c.fa ELSE 0 END"
            f" + CASE WHEN c.tsv @@ CAST(:tb{i} AS tsquery) THEN c.fb ELSE 0 END"
            f" + CASE WHEN c.tsv @@ CAST(:td{i} AS tsquery) THEN :wd ELSE 0 END"
            f" + c.fc * {body})"
        )
        return (
            f"(CASE WHEN NOT c.tsv @@ CAST(:t{i} AS tsquery) THEN 0 ELSE "
            f"(SELECT :w{i} * x * (:k1 + 1) / (x + :k1) FROM (SELECT {x} AS x) AS x{i}) END)"
        )

    def _ranked(self, conn, plan: _Plan, scope: Scope, mode: str, filters: Filters, limit: int, offset: int):
        weights = plan.weights
        params: dict = {
            "k1": K1,
            "b": B,
            "bt": TITLE_B,
            "avg_title": plan.avg_title,
            "avg_rest": plan.avg_rest,
            "wa": FIELD_WEIGHTS["A"],
            "wb": FIELD_WEIGHTS["B"],
            "wc": FIELD_WEIGHTS["C"],
            "wd": FIELD_WEIGHTS["D"],
            "pop": POPULARITY_BOOST,
            "answered": ANSWERED_BOOST,
            "max_candidates": MAX_CANDIDATES,
            "limit": limit,
            "offset": offset,
        }
        where = self._where(scope, filters, params)
        parts = []
        for i, term in enumerate(sorted(weights, key=lambda t: (-weights[t], t))):
            params[f"t{i}"] = lexeme(term)
            params[f"ta{i}"] = lexeme(term) + ":A"
            params[f"tb{i}"] = lexeme(term) + ":B"
            params[f"td{i}"] = lexeme(term) + ":D"
            params[f"w{i}"] = weights[term]
            parts.append(self._term_score_sql(i))
        for j, (first, second) in enumerate(plan.phrases if PHRASE_WEIGHT else ()):
            params[f"p{j}"] = f"{lexeme(first)} <-> {lexeme(second)}"
            params[f"pw{j}"] = PHRASE_WEIGHT * min(weights[first], weights[second])
            parts.append(f"(CASE WHEN c.tsv @@ CAST(:p{j} AS tsquery) THEN :pw{j} ELSE 0 END)")
        if mode == "search" and len(plan.groups) > 1:
            params["all_q"] = tsquery_all([g.lexemes for g in plan.groups])
            all_match = "(c.tsv @@ CAST(:all_q AS tsquery))"
        else:
            all_match = "true"
        boosts = []
        for i, kind in enumerate(documents.kinds()):
            registered = documents.get_kind(kind)
            if registered is not None and registered.rank_boost != 1.0:
                params[f"bk{i}"], params[f"bv{i}"] = kind, float(registered.rank_boost)
                boosts.append(f"WHEN :bk{i} THEN :bv{i}")
        kind_boost = f"(CASE c.kind {' '.join(boosts)} ELSE 1 END)" if boosts else "1"

        params["cand_q"], bound = self._candidate_query(plan)
        capped = bound > MAX_CANDIDATES
        if not capped:
            source = f"search_documents d WHERE d.tsv @@ CAST(:cand_q AS tsquery){where}"
        else:
            # Even the rarest query term is in too many documents (a one-word search for a common word):
            # the most popular MAX_CANDIDATES of them are ranked; the count stays exact.
            source = f"""(
                    SELECT d.kind, d.ref_id, count(*) OVER () AS total FROM search_documents d
                    WHERE d.tsv @@ CAST(:cand_q AS tsquery){where}
                    ORDER BY d.popularity DESC, d.kind, d.ref_id LIMIT :max_candidates
                ) AS p JOIN search_documents d ON d.kind = p.kind AND d.ref_id = p.ref_id"""
        # The innermost subquery (OFFSET 0 keeps it a subquery) detoasts each candidate's tsvector once
        # (setweight with no lexemes: a cheap copy) for all the term tests; the scores are computed next to
        # it, so only small rows reach the count and the sort.
        sql = f"""
            SELECT kind, ref_id, score, {"max(total) OVER ()" if capped else "count(*) OVER ()"} AS total FROM (
                SELECT c.kind, c.ref_id, c.total, {all_match} AS all_match,
                       ({" + ".join(parts)}) * (1 + :pop * ln(1 + c.popularity))
                       * (CASE WHEN c.has_answer THEN 1 + :answered ELSE 1 END) * {kind_boost} AS score
                FROM (
                    SELECT d.kind, d.ref_id, d.popularity, d.has_answer, {"p.total" if capped else "0"} AS total,
                           setweight(d.tsv, 'A', '{{}}') AS tsv,
                           :wa / (1 - :bt + :bt * d.title_term_count / :avg_title) AS fa,
                           :wb / (1 - :b + :b * (d.term_count - d.title_term_count) / :avg_rest) AS fb,
                           :wc / (1 - :b + :b * (d.term_count - d.title_term_count) / :avg_rest) AS fc
                    FROM {source}
                    OFFSET 0
                ) AS c
                OFFSET 0
            ) AS s
            ORDER BY all_match DESC, score DESC, kind, ref_id
            LIMIT :limit OFFSET :offset
        """
        return conn.execute(text(sql), params).all()

    def _count(self, conn, plan: _Plan, scope: Scope, filters: Filters) -> int:
        params = {"cand_q": self._candidate_query(plan)[0]}
        where = self._where(scope, filters, params)
        return int(
            conn.execute(
                text(f"SELECT count(*) FROM search_documents d WHERE d.tsv @@ CAST(:cand_q AS tsquery){where}"),
                params,
            ).scalar_one()
        )

    # ------------------------------------------------------------ did you mean (app/search/backends/pg_spelling.py)

    def spelling_suggestion(self, query: str) -> str | None:
        return pg_spelling.spelling_suggestion(self._engine, query, self._ensure_trgm)


# search_meta 'analyser': analysis.fingerprint() of the analyser the index was built with.
_KEEP_FINGERPRINT_SQL = text(
    "INSERT INTO search_meta (key, value) VALUES ('analyser', :fp) ON CONFLICT (key) DO NOTHING"
)
_SET_FINGERPRINT_SQL = text(
    "INSERT INTO search_meta (key, value) VALUES ('analyser', :fp) "
    "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
)

_UPSERT_SQL = text("""
    INSERT INTO search_documents (kind, ref_id, title_terms, answer_terms, body_terms, also_terms, term_count,
                                  title_term_count, tsv, type, status, category_id, department_id,
                                  author_id, visibility, has_answer, popularity, updated_at)
    VALUES (:kind, :ref_id, :title_terms, :answer_terms, :body_terms, :also_terms, :term_count,
            :title_term_count, CAST(:tsv AS tsvector), :type, :status, :category_id, :department_id,
            :author_id, :visibility, :has_answer, :popularity, :updated_at)
    ON CONFLICT (kind, ref_id) DO UPDATE SET
        title_terms = EXCLUDED.title_terms, answer_terms = EXCLUDED.answer_terms,
        body_terms = EXCLUDED.body_terms, also_terms = EXCLUDED.also_terms, term_count = EXCLUDED.term_count,
        title_term_count = EXCLUDED.title_term_count, tsv = EXCLUDED.tsv,
        type = EXCLUDED.type, status = EXCLUDED.status, category_id = EXCLUDED.category_id,
        department_id = EXCLUDED.department_id, author_id = EXCLUDED.author_id,
        visibility = EXCLUDED.visibility, has_answer = EXCLUDED.has_answer,
        popularity = EXCLUDED.popularity, updated_at = EXCLUDED.updated_at
""")
