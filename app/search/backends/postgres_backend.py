"""PostgreSQL full-text search backend (for several web servers sharing one database).

Documents and queries go through our own analyser (app/search/analysis.py), exactly as in the Whoosh
backend; PostgreSQL only stores and matches the resulting terms:

- `search_documents.tsv` is built from the analysed terms themselves (tsvector input text: each term one
  lexeme with its positions, weight A title, B official answers, C body). PostgreSQL's parser never
  re-splits a term (to_tsvector('simple', 'wi-fi') would give three lexemes) and no dictionary runs;
- queries are planned by app/search/planning.py, as in the Whoosh backend (terms, weights, typo
  corrections, filters), and executed as tsquery values built from analysed terms, each quoted as a
  lexeme (`'term'`) and passed as a bind parameter: user text never reaches a query parser or the SQL text;
- ranking is BM25F in SQL (pg_ranking.py): per query term, its presence in the title and the answers and
  its frequency in the body, each normalised by its field's length, weighted, summed and saturated;
  inverse document frequencies come from the `search_terms` vocabulary, which every write keeps exact, and
  the document count and average field lengths from the `search_stats` row, kept the same way (a primary-key read,
  not a count over the table: 320-410 ms at 1,000,000 documents, bench/README.md);
  ts_rank / ts_rank_cd alone know no idf: "card" would weigh as much as "chargeback" (measured: clearly
  worse on the benchmark sets). Only a bounded candidate set is ranked (pg_ranking.candidate_query);
- query words unknown to the index are corrected against the vocabulary (pg_trgm candidates, then the
  analyser's edit-distance rule), which also gives `spelling_suggestion` (pg_spelling.py); tsvector and
  tsquery text is built in pg_lexemes.py.

Writes use their own connection and transaction (`db.engine.begin()`), independent of `db.session`: the
outbox drain calls them after the application's commit, and they commit on their own.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import contextmanager
from typing import NamedTuple

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.extensions import db
from app.search import analysis, planning
from app.search.backends import pg_hot, pg_ranking, pg_spelling, pg_tiers
from app.search.backends.base import SearchBackend
from app.search.backends.pg_lexemes import int_array, text_array, tsvector_literal, usable
from app.search.documents import PUBLIC, Hit, SearchDoc, SearchResult
from app.search.pg_models import SearchDocument, SearchMeta, SearchStats, SearchTerm  # noqa: F401  (the tables it uses)

log = logging.getLogger(__name__)

STATS_TTL = 30.0  # seconds the document count and average lengths are cached per process


class _Terms:
    """The index as query planning sees it (planning.TermIndex), on one connection."""

    def __init__(self, backend: PostgresBackend, conn) -> None:
        self.backend, self.conn = backend, conn
        self.stats: tuple[int, float, float] = (0, 1.0, 1.0)

    def document_count(self) -> int:
        self.stats = self.backend._collection_stats(self.conn)
        return self.stats[0]

    def doc_frequencies(self, terms: list[str]) -> dict[str, int]:
        return pg_spelling.doc_counts(self.conn, terms)

    def knows(self, term: str, df: int) -> bool:
        return df > 0  # the vocabulary is exact: every write keeps it

    def corrections(self, unknown: dict[str, str]) -> dict[str, tuple[str, int]]:
        return pg_spelling.corrections(self.conn, unknown, self.backend._ensure_trgm)


class PostgresBackend(SearchBackend):
    name = "postgres"
    rules = pg_ranking.RULES

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stats: tuple[float, tuple[int, float, float]] | None = None  # (taken at, stats)
        self._tiers = pg_tiers.TierStore()
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

    def index_changed(self) -> None:
        self._invalidate_stats()

    def _collection_stats(self, conn) -> tuple[int, float, float]:
        """(documents, average title length, average length of the rest): one primary-key read of the search_stats
        row the writes keep, cached for STATS_TTL seconds (writes in this process refresh it at once; other servers'
        writes within STATS_TTL, or at once when the suggest cache sees the shared index version move:
        index_changed())."""
        with self._lock:
            cached = self._stats
        if cached is not None and time.monotonic() - cached[0] < STATS_TTL:
            return cached[1]
        row = conn.execute(_READ_STATS_SQL).one_or_none()
        n_docs, avg_title, avg_rest = row if row is not None else (0, 0, 0)
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
                    "tsv": tsvector_literal([(fields[name], weight) for name, weight in pg_ranking.WEIGHT_OF_FIELD]),
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
            old_docs = self._lock_and_read_terms(conn, keys)
            conn.execute(_UPSERT_SQL, rows)
            delta: Counter[str] = Counter()
            for key in keys:
                old, new = old_docs[key].terms if key in old_docs else set(), new_terms[key]
                delta.update(new - old)
                delta.subtract(old - new)
            self._apply_vocabulary_delta(conn, delta)
            self._apply_stats_delta(
                conn,
                documents=len(keys) - len(old_docs),
                title_terms=sum(r["title_term_count"] for r in rows) - sum(d.title for d in old_docs.values()),
                rest_terms=sum(r["term_count"] - r["title_term_count"] for r in rows)
                - sum(d.rest for d in old_docs.values()),
            )
            if not self._fingerprint_kept:  # once per process, not per write
                conn.execute(_KEEP_FINGERPRINT_SQL, {"fp": analysis.fingerprint()})
        self._fingerprint_kept = True
        self._invalidate_stats()

    def delete(self, keys: Sequence[tuple[str, int]]) -> None:
        keys = sorted({(str(kind), int(ref_id)) for kind, ref_id in keys})
        if not keys:
            return
        with self._engine().begin() as conn:
            old_docs = self._lock_and_read_terms(conn, keys)
            if not old_docs:
                return
            conn.execute(
                text(
                    "DELETE FROM search_documents d USING unnest(:kinds, :ids) AS k(kind, ref_id) "
                    "WHERE d.kind = k.kind AND d.ref_id = k.ref_id"
                ).bindparams(text_array("kinds"), int_array("ids")),
                {"kinds": [k for k, _ in old_docs], "ids": [i for _, i in old_docs]},
            )
            delta: Counter[str] = Counter()
            for old in old_docs.values():
                delta.subtract(old.terms)
            self._apply_vocabulary_delta(conn, delta)
            self._apply_stats_delta(
                conn,
                documents=-len(old_docs),
                title_terms=-sum(d.title for d in old_docs.values()),
                rest_terms=-sum(d.rest for d in old_docs.values()),
            )
        self._invalidate_stats()

    @staticmethod
    def _lock_and_read_terms(conn, keys: list[tuple[str, int]]) -> dict[tuple[str, int], _Indexed]:
        """Serialise writers of the same documents (transaction advisory locks, taken in key order so two
        writers cannot deadlock), then read the terms and field lengths indexed for them now: the vocabulary
        counts and the collection statistics stay exact even when two servers drain the same outbox rows at once."""
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
                "SELECT d.kind, d.ref_id, d.title_terms, d.answer_terms, d.body_terms, d.also_terms, "
                "d.title_term_count, d.term_count - d.title_term_count "
                "FROM search_documents d JOIN unnest(:kinds, :ids) AS k(kind, ref_id) "
                "ON d.kind = k.kind AND d.ref_id = k.ref_id"
            ).bindparams(text_array("kinds"), int_array("ids")),
            params,
        )
        return {
            (kind, ref_id): _Indexed(set(f"{title} {answers} {body} {also or ''}".split()), title_len, rest_len)
            for kind, ref_id, title, answers, body, also, title_len, rest_len in found
        }

    @staticmethod
    def _apply_stats_delta(conn, documents: int, title_terms: int, rest_terms: int) -> None:
        """Add a write's difference to the search_stats row (after the vocabulary: one lock order for all writers)."""
        if documents or title_terms or rest_terms:
            conn.execute(_ADD_STATS_SQL, {"n": documents, "t": title_terms, "r": rest_terms})

    def recount_stats(self) -> tuple[int, int, int]:
        """Rebuild the search_stats row from the documents (after a bulk SQL load, or to repair it); returns
        (documents, title terms, other terms). The row is locked against the writers meanwhile (as
        app/community/counts.recount), so no write is lost or counted twice."""
        with self._engine().begin() as conn:
            conn.execute(text("LOCK TABLE search_stats IN SHARE ROW EXCLUSIVE MODE"))
            conn.execute(text("DELETE FROM search_stats"))
            conn.execute(_RECOUNT_STATS_SQL)
            row = conn.execute(text("SELECT documents, title_terms, rest_terms FROM search_stats")).one()
        self._invalidate_stats()
        self.refresh_tiers()
        return int(row[0]), int(row[1]), int(row[2])

    # ------------------------------------------------------------ popularity tiers (pg_tiers.py)

    def refresh_tiers(self, hot_index: bool = False) -> list[pg_ranking.Tier]:
        """Take and store the popularity tiers (the `search.tiers` job, `flask search recount`); with `hot_index`
        (the job: a process with no transaction of its own open, which the index build would wait for) also keep
        the hot index fit (pg_hot.py)."""
        engine = self._engine()
        if not hot_index:
            with engine.begin() as conn:
                return self._tiers.refresh(conn)
        with engine.connect() as conn:
            current = self._tiers.stored_hot(conn)
        decided, hot, old = pg_hot.refresh(engine, current)
        with engine.begin() as conn:
            tiers = self._tiers.refresh(conn, hot if decided else pg_tiers.KEEP)
        pg_hot.drop(engine, old)
        return tiers

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
            conn.execute(text("TRUNCATE search_documents, search_terms, search_stats"))
            conn.execute(pg_tiers.DELETE_SQL)
            conn.execute(_SET_FINGERPRINT_SQL, {"fp": analysis.fingerprint()})
        self._fingerprint_kept = True
        self._invalidate_stats()
        self._tiers.forget()

    def record_fingerprint(self) -> None:
        with self._engine().begin() as conn:
            conn.execute(_SET_FINGERPRINT_SQL, {"fp": analysis.fingerprint()})
        self._fingerprint_kept = True

    def indexed_fingerprint(self) -> str | None:
        with self._engine().connect() as conn:
            return conn.execute(text("SELECT value FROM search_meta WHERE key = 'analyser'")).scalar()

    def health(self) -> dict:
        with self._engine().connect() as conn:
            conn.execute(text("SELECT 1 FROM search_documents LIMIT 1"))
        return {"backend": self.name}

    def keys(self) -> set[tuple[str, int]]:
        with self._engine().connect() as conn:
            return {(kind, ref_id) for kind, ref_id in conn.execute(text("SELECT kind, ref_id FROM search_documents"))}

    def holds(self, keys: Sequence[tuple[str, int]]) -> set[tuple[str, int]]:
        if not keys:
            return set()
        wanted = sorted(set(keys))
        # Looked up by the primary key (kind, ref_id): by ref_id alone PostgreSQL read the whole table (100 ms at
        # 1,000,000 topics for every English suggestion, bench/cost_growth.py).
        with self._engine().connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT d.kind, d.ref_id FROM unnest(CAST(:kinds AS varchar[]), CAST(:ids AS integer[])) AS k(kind, ref_id)"
                    " JOIN search_documents d ON d.kind = k.kind AND d.ref_id = k.ref_id"
                ),
                {"kinds": [kind for kind, _ in wanted], "ids": [ref_id for _, ref_id in wanted]},
            )
            return {(kind, ref_id) for kind, ref_id in rows}

    # ------------------------------------------------------------ search

    @contextmanager
    def _reading(self):
        with self._engine().connect() as conn:
            yield _Terms(self, conn)

    def _execute(self, view, plan, restrict, mode, limit, offset) -> SearchResult:
        tiers, hot = self._tiers.read(view.conn) if mode == planning.SUGGEST else ((), None)
        rows = pg_ranking.ranked(view.conn, plan, view.stats, restrict, mode, limit, offset, tiers, hot)
        if rows:
            total = rows[0][3]
        elif offset:  # past the last page: the pager still needs the count
            total = pg_ranking.count(view.conn, plan, restrict)
        else:
            total = 0
        return SearchResult(hits=[Hit(kind=k, id=i, score=float(s)) for k, i, s, _ in rows], total=int(total))

    # ------------------------------------------------------------ did you mean (app/search/backends/pg_spelling.py)

    def spelling_suggestion(self, query: str) -> str | None:
        return pg_spelling.spelling_suggestion(self._engine, query, self._ensure_trgm)


class _Indexed(NamedTuple):
    """What the index holds for one document before a write: its terms and field lengths."""

    terms: set[str]
    title: int
    rest: int


# search_stats: one row (id 1). The averages are computed as PostgreSQL's avg() computes them (numeric sum / count),
# so ranking sees exactly the figures a count over search_documents would give.
_READ_STATS_SQL = text(
    "SELECT documents, coalesce(CAST(title_terms AS numeric) / nullif(documents, 0), 0), "
    "coalesce(CAST(rest_terms AS numeric) / nullif(documents, 0), 0) FROM search_stats WHERE id = 1"
)
_ADD_STATS_SQL = text(
    "INSERT INTO search_stats (id, documents, title_terms, rest_terms) VALUES (1, :n, :t, :r) "
    "ON CONFLICT (id) DO UPDATE SET documents = search_stats.documents + EXCLUDED.documents, "
    "title_terms = search_stats.title_terms + EXCLUDED.title_terms, "
    "rest_terms = search_stats.rest_terms + EXCLUDED.rest_terms"
)
_RECOUNT_STATS_SQL = text(
    "INSERT INTO search_stats (id, documents, title_terms, rest_terms) "
    "SELECT 1, count(*), coalesce(sum(title_term_count), 0), coalesce(sum(term_count - title_term_count), 0) "
    "FROM search_documents"
)

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
