"""Embedded search backend: a Whoosh index in SEARCH_INDEX_DIR, analysed by app.search.analysis.

- Documents and queries go through the same analyser (whoosh_schema.OtklikTokenizer wraps
  analysis.analyse_spans). Queries are planned by app/search/planning.py, as in the PostgreSQL backend
  (analysed terms, weights, typo corrections from the index vocabulary, filters); user text never
  reaches Whoosh's QueryParser or any query language.
- Ranking is BM25F over title, body and official answers (field weights FIELD_BOOST), computed from
  Whoosh's postings by whoosh_ranking.ChampionRanker: per (segment, term) the best-scoring documents are
  cached, so a query costs about the same on 100k topics as on 1k (Whoosh's own matchers walk every
  posting in Python: hundreds of milliseconds on 100k topics).
  mode "suggest": any word may match; only the most informative terms of a long request are used.
  mode "search": documents with every word first, then those with some; exact totals.
- Visibility is part of every query: staff see everything; others see public documents and their own
  private ones. Hidden and other people's private documents are excluded inside the ranking, from the
  index's own postings of `visibility` and `author_id`; filters (kinds, type, status, category) alike.
- One writer at a time: the write lock is taken with a short timeout, IndexBusy otherwise (the outbox
  keeps the change). Searchers are pooled and refreshed when the index generation changes.
- spelling_suggestion() returns the corrected query for "did you mean" (whoosh_spelling).
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from collections.abc import Sequence
from contextlib import contextmanager

from whoosh import index, scoring
from whoosh.index import LockError
from whoosh.writing import CLEAR

from app.search import analysis, planning
from app.search.backends.base import IndexBusy, SearchBackend
from app.search.backends.whoosh_ranking import ChampionRanker, RankParams
from app.search.backends.whoosh_schema import (  # noqa: F401  (OtklikTokenizer: re-exported for the schema)
    OtklikTokenizer,
    also_asked_field,
    doc_fields,
    make_key,
    make_schema,
    parse_key,
)
from app.search.backends.whoosh_spelling import NO_VOCABULARY, Vocabulary, correct
from app.search.documents import HIDDEN, PRIVATE, Hit, SearchDoc, SearchResult, get_kind
from app.search.planning import TEXT_FIELDS, PlannedTerm, PlanRules, QueryShape, Restrictions

log = logging.getLogger(__name__)

INDEX_NAME = "otklik"
FINGERPRINT_FILE = "analyser.txt"  # beside the index: analysis.fingerprint() it was built with
# The ranked fields: the shared ones and "also_asked" (phrasings learnt from customers, app/learning), which
# ranks below the title and, being capped in length, is not length-normalised: a word there counts like a
# word of the title at ALSO_ASKED_BOOST instead of 2.0 (as on PostgreSQL). It stays out of
# planning.TEXT_FIELDS, so the typo vocabulary ("did you mean") never offers a word only customers typed.
RANKED_FIELDS = (*TEXT_FIELDS, "also_asked")
ALSO_ASKED_BOOST = 1.0
# Query-time field weights (BM25F adds up a term's per-field scores).
FIELD_BOOST = {"title": 2.0, "body": 1.0, "answers": 0.7, "also_asked": ALSO_ASKED_BOOST}
K1 = 1.6
FIELD_B = {"title": 0.5, "body": 0.75, "answers": 0.75, "also_asked": 0.0}
CHAMPIONS = 2000  # suggest: best documents kept per (segment, term)
SYNC_VOCAB_DOCS = 5000  # below this many documents the typo vocabulary is rebuilt at once after writes


def _idf(n_docs: int, df: int, shape: QueryShape) -> float:
    """Whoosh's idf (flatter than Robertson's: common words keep some weight; better on our benchmarks
    for titles and search queries). For a whole request as the suggest query (analysis.LONG_REQUEST_TERMS
    or more distinct terms) Robertson's, near zero for words most documents have, so the request's many
    incidental words give way to its few telling ones (kyiv-1551: hit@5 0.599 -> 0.605; short queries are
    unaffected)."""
    if shape.long_request:
        return planning.robertson_idf(n_docs, df)
    return math.log(n_docs / (df + 1)) + 1.0


def _by_information(term: PlannedTerm) -> float:
    """Suggest mode keeps the terms of highest query weight x idf (in query order among equals)."""
    return -term.qtf * term.idf


RULES = PlanRules(
    idf=_idf,
    field_weights=FIELD_BOOST,
    suggest_terms=60,
    common_df=0.5,  # terms in more than half of the documents are dropped (if others remain)
    correction_weight=0.8,
    suggest_order=_by_information,
)


class _Terms:
    """The index as query planning sees it (planning.TermIndex), through one searcher."""

    def __init__(self, backend: WhooshBackend, searcher) -> None:
        self.backend, self.searcher, self.reader = backend, searcher, searcher.reader()
        self._vocab: Vocabulary | None = None

    @property
    def vocab(self) -> Vocabulary:
        if self._vocab is None:  # only when a query has terms to look up
            self._vocab = self.backend._vocabulary(self.searcher)
        return self._vocab

    def document_count(self) -> int:
        return max(self.reader.doc_count(), 1)

    def _df(self, term: str) -> int:  # max over RANKED_FIELDS of the reader's doc_frequency
        return self.backend._ranker.doc_frequency(self.searcher, term)

    def doc_frequencies(self, terms: list[str]) -> dict[str, int]:
        dfs = {term: self._df(term) for term in terms}
        return {term: df for term, df in dfs.items() if df}

    def knows(self, term: str, df: int) -> bool:
        return self.vocab.knows(term)  # a big index's vocabulary may lag behind (see _vocabulary)

    def corrections(self, unknown: dict[str, str]) -> dict[str, tuple[str, int]]:
        out = {}
        for term, raw in unknown.items():
            fixed = correct(self.vocab, term, raw)
            df = self._df(fixed[0]) if fixed else 0
            if df:
                out[term] = (fixed[0], df)
        return out


def _delete_keys(writer, keys) -> None:
    """Delete documents by key with one searcher (update_document() would open one per document)."""
    with writer.searcher() as searcher:
        for key in keys:
            writer.delete_by_term("key", key, searcher=searcher)


class WhooshBackend(SearchBackend):
    name = "whoosh"
    rules = RULES

    def __init__(self, index_dir: str, *, lock_timeout: float = 2.0, vocab_max_age: float = 30.0):
        self.index_dir = str(index_dir)
        self.lock_timeout = lock_timeout
        self.vocab_max_age = vocab_max_age
        self._ix = None
        self._ix_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._pool: list = []  # idle searchers
        self._pool_lock = threading.Lock()
        self._vocab: Vocabulary | None = None
        self._vocab_lock = threading.Lock()
        self._vocab_building = False
        self._weighting = scoring.BM25F(B=FIELD_B["body"], K1=K1, **{f"{f}_B": b for f, b in FIELD_B.items()})
        self._ranker = ChampionRanker(RankParams(RANKED_FIELDS, FIELD_BOOST, K1, FIELD_B, CHAMPIONS))
        self._fingerprint_kept = False  # the index has recorded an analyser fingerprint (see upsert)

    # ------------------------------------------------------------ index and searchers

    def _index(self):
        if self._ix is None:
            with self._ix_lock:
                if self._ix is None:
                    os.makedirs(self.index_dir, exist_ok=True)
                    if index.exists_in(self.index_dir, indexname=INDEX_NAME):
                        self._ix = _with_also_asked(
                            index.open_dir(self.index_dir, indexname=INDEX_NAME), self.index_dir
                        )
                    else:
                        try:
                            self._ix = index.create_in(self.index_dir, make_schema(), indexname=INDEX_NAME)
                        except LockError:  # pragma: no cover - another process creates it right now
                            time.sleep(0.2)
                            self._ix = index.open_dir(self.index_dir, indexname=INDEX_NAME)
        return self._ix

    def _acquire_searcher(self):
        ix = self._index()
        with self._pool_lock:
            while self._pool:
                searcher = self._pool.pop()
                if searcher.up_to_date():
                    return searcher
                searcher.close()
        return ix.searcher(weighting=self._weighting)

    def _release_searcher(self, searcher) -> None:
        with self._pool_lock:
            if len(self._pool) < 8:
                self._pool.append(searcher)
                return
        searcher.close()

    def _drop_searchers(self) -> None:
        with self._pool_lock:
            pool, self._pool = self._pool, []
        for searcher in pool:
            searcher.close()

    # ------------------------------------------------------------ writes

    def _writer(self):
        ix = self._index()
        if not self._write_lock.acquire(timeout=self.lock_timeout):
            raise IndexBusy("search index is being written by another thread")
        try:
            return ix.writer(timeout=self.lock_timeout, delay=0.05, limitmb=64)
        except LockError as exc:
            self._write_lock.release()
            raise IndexBusy("search index is locked by another writer") from exc
        except BaseException:
            self._write_lock.release()
            raise

    def _write(self, work, **commit_kwargs) -> None:
        writer = self._writer()
        try:
            try:
                work(writer)
            except BaseException:
                writer.cancel()
                raise
            writer.commit(**commit_kwargs)
        finally:
            self._write_lock.release()
        self._drop_searchers()

    def upsert(self, docs: Sequence[SearchDoc]) -> None:
        latest: dict[str, SearchDoc] = {}
        for doc in docs:  # within a batch the last version of a document wins
            latest[make_key(doc.kind, doc.id)] = doc
        if not latest:
            return

        def work(writer):
            _delete_keys(writer, latest)
            for doc in latest.values():
                writer.add_document(**doc_fields(doc))

        self._write(work)
        if not self._fingerprint_kept and self.indexed_fingerprint() is None:  # checked once, not per write
            self._record_fingerprint()
        self._fingerprint_kept = True

    def delete(self, keys: Sequence[tuple[str, int]]) -> None:
        keys = [make_key(kind, ref_id) for kind, ref_id in keys]
        if not keys:
            return

        self._write(lambda writer: _delete_keys(writer, keys))

    def clear(self) -> None:
        self._write(lambda writer: None, mergetype=CLEAR)
        self._vocab = None
        self._ranker.clear()
        self._record_fingerprint()

    def _fingerprint_path(self) -> str:
        return os.path.join(self.index_dir, FINGERPRINT_FILE)

    def _record_fingerprint(self) -> None:
        os.makedirs(self.index_dir, exist_ok=True)
        tmp = f"{self._fingerprint_path()}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="ascii") as fh:
            fh.write(analysis.fingerprint())
        os.replace(tmp, self._fingerprint_path())
        self._fingerprint_kept = True

    def record_fingerprint(self) -> None:
        self._record_fingerprint()

    def indexed_fingerprint(self) -> str | None:
        try:
            with open(self._fingerprint_path(), encoding="ascii") as fh:
                return fh.read().strip() or None
        except OSError:
            return None

    def optimize(self) -> None:
        """Merge all segments into one (optional, e.g. after a reindex)."""
        self._write(lambda writer: None, optimize=True)

    def health(self) -> dict:
        return {"backend": self.name, "documents": self._index().doc_count()}

    def keys(self) -> set[tuple[str, int]]:
        searcher = self._acquire_searcher()
        try:
            reader = searcher.reader()
            return {parse_key(reader.stored_fields(docnum)["key"]) for docnum in reader.all_doc_ids()}
        finally:
            self._release_searcher(searcher)

    def holds(self, keys: Sequence[tuple[str, int]]) -> set[tuple[str, int]]:
        if not keys:
            return set()
        searcher = self._acquire_searcher()
        try:
            return {key for key in keys if searcher.document_number(key=make_key(*key)) is not None}
        finally:
            self._release_searcher(searcher)

    def close(self) -> None:
        self._drop_searchers()
        self._ranker.clear()
        if self._ix is not None:
            self._ix.close()
            self._ix = None

    # ------------------------------------------------------------ vocabulary (typos)

    def _vocabulary(self, searcher) -> Vocabulary:
        generation = searcher.reader().generation()
        vocab = self._vocab
        if vocab is not None and vocab.generation == generation:
            return vocab
        if searcher.doc_count_all() < SYNC_VOCAB_DOCS:  # small indexes: rebuild right away
            with self._vocab_lock:
                vocab = self._vocab
                if vocab is None or vocab.generation != generation:
                    vocab = self._vocab = Vocabulary(searcher.reader(), generation, previous=vocab)
            return vocab
        # big indexes: never make a query wait for it. Use the last vocabulary (none at first: no typo
        # correction for a few seconds after start) and rebuild it in the background now and then.
        stale = vocab is None or time.monotonic() - vocab.built_at > self.vocab_max_age
        if stale and not self._vocab_building:
            self._vocab_building = True
            threading.Thread(target=self._rebuild_vocabulary, name="whoosh-vocab", daemon=True).start()
        return vocab if vocab is not None else NO_VOCABULARY

    def _rebuild_vocabulary(self) -> None:
        try:
            with self._index().searcher() as searcher:
                self._vocab = Vocabulary(searcher.reader(), searcher.reader().generation(), previous=self._vocab)
        except Exception:  # pragma: no cover - best effort; the old vocabulary stays
            log.exception("search: rebuilding the typo vocabulary failed")
        finally:
            self._vocab_building = False

    # ------------------------------------------------------------ restrictions

    @staticmethod
    def _segment_restrictions(restrict: Restrictions):
        """Visibility and filters for the ranker, as per-segment docnum sets read from the index postings."""
        exclude = None
        if not restrict.everything:

            def exclude(seg, leaf):
                hidden = seg.docset(leaf, "visibility", HIDDEN)
                private = seg.docset(leaf, "visibility", PRIVATE)
                if private and restrict.author_id is not None:
                    private = private - seg.docset(leaf, "author_id", str(restrict.author_id), cache=False)
                return hidden | private if hidden and private else hidden or private

        require = None
        if restrict.filtered:

            def require(seg, leaf):
                if restrict.impossible:
                    return frozenset()
                sets = []
                if restrict.kinds:
                    sets.append(frozenset().union(*(seg.docset(leaf, "kind", k) for k in restrict.kinds)))
                if restrict.type:
                    sets.append(seg.docset(leaf, "type", restrict.type))
                if restrict.status:
                    sets.append(seg.docset(leaf, "status", restrict.status))
                if restrict.category_id is not None:
                    sets.append(seg.docset(leaf, "category_id", str(restrict.category_id)))
                return frozenset.intersection(*sets)

        return exclude, require

    # ------------------------------------------------------------ search

    def _hits(self, searcher, scored: list[tuple[int, float]]) -> list[Hit]:
        """Hits for (docnum, score), with small boosts for popularity, an answer and the kind's rank_boost."""
        reader = searcher.reader()
        out = []
        for docnum, score in scored:
            stored = reader.stored_fields(docnum)
            kind, ref_id = parse_key(stored["key"])
            factor = 1.0 + 0.05 * min(float(stored.get("popularity") or 0.0), 10.0)
            if stored.get("has_answer") == "1":
                factor *= 1.05
            registered = get_kind(kind)
            if registered is not None:
                factor *= registered.rank_boost
            out.append(Hit(kind=kind, id=ref_id, score=float(score) * factor))
        out.sort(key=lambda h: -h.score)
        return out

    @contextmanager
    def _reading(self):
        searcher = self._acquire_searcher()
        try:
            yield _Terms(self, searcher)
        finally:
            self._release_searcher(searcher)

    def _execute(self, view, plan, restrict, mode, limit, offset) -> SearchResult:
        searcher = view.searcher
        want = offset + limit
        fetch = want + max(10, want // 2)  # a few more, so the boosts in _hits can reorder near-ties
        groups = [t.weighted_variants() for t in plan.terms]
        exclude, require = self._segment_restrictions(restrict)
        if mode == planning.SUGGEST:
            scored = self._ranker.top(searcher, groups, fetch, exclude=exclude, require=require)
            hits = self._hits(searcher, scored)
            return SearchResult(hits=hits[offset:want], total=len(hits))
        # search page: documents with every word first, then those with some of them
        every, some, total = self._ranker.top_all_words_first(searcher, groups, fetch, exclude=exclude, require=require)
        hits = self._hits(searcher, every) + self._hits(searcher, some)
        return SearchResult(hits=hits[offset:want], total=total)

    def spelling_suggestion(self, query: str) -> str | None:
        text = (query or "")[: analysis.MAX_QUERY_CHARS]
        spans = analysis.analyse_spans(text, max_words=64) if text.strip() else []
        if not spans:
            return None
        searcher = self._acquire_searcher()
        try:
            vocab = self._vocabulary(searcher)
            words = planning.unknown_words(text, spans, vocab.knows)
            fixes = []
            for word in words:
                fixed = next((f for f in (correct(vocab, t, word.raw, thorough=True) for t in word.terms) if f), None)
                fixes.append(fixed[1] if fixed is not None else None)
            return planning.did_you_mean(text, words, fixes)
        finally:
            self._release_searcher(searcher)


def _with_also_asked(ix, index_dir: str):
    """An index made before the "also asked as" field existed gains it (empty until documents are rewritten)."""
    if "also_asked" in ix.schema.names():
        return ix
    try:
        with ix.writer(timeout=5.0) as writer:
            writer.add_field("also_asked", also_asked_field())
    except LockError:  # pragma: no cover - another process adds it right now
        time.sleep(0.5)
    return index.open_dir(index_dir, indexname=INDEX_NAME)
