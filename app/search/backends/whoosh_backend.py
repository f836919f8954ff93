"""Embedded search backend: a Whoosh index in SEARCH_INDEX_DIR, analysed by app.search.analysis.

- Documents and queries go through the same analyser (whoosh_schema.OtklikTokenizer wraps
  analysis.analyse_spans). Queries are planned from analysed terms (with typo corrections from the
  index vocabulary); user text never reaches Whoosh's QueryParser or any query language.
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
from collections import Counter
from collections.abc import Sequence

from whoosh import index, scoring
from whoosh.index import LockError
from whoosh.writing import CLEAR

from app.search import analysis
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
from app.search.documents import HIDDEN, PRIVATE, Filters, Hit, Scope, SearchDoc, SearchResult, get_kind

log = logging.getLogger(__name__)

INDEX_NAME = "otklik"
FINGERPRINT_FILE = "analyser.txt"  # beside the index: analysis.fingerprint() it was built with
TEXT_FIELDS = ("title", "body", "answers", "also_asked")
# Query-time field weights (BM25F adds up a term's per-field scores). "also_asked" (phrasings learnt from
# customers, app/learning) ranks below the title and, being capped in length, is not length-normalised:
# a word there counts like a word of the title at ALSO_ASKED_BOOST instead of 2.0 (as on PostgreSQL).
ALSO_ASKED_BOOST = 1.0
FIELD_BOOST = {"title": 2.0, "body": 1.0, "answers": 0.7, "also_asked": ALSO_ASKED_BOOST}
K1 = 1.6
FIELD_B = {"title": 0.5, "body": 0.75, "answers": 0.75, "also_asked": 0.0}
SUGGEST_MAX_TERMS = 160  # analysed terms read from a suggest request (title twice + body)
SUGGEST_TERMS = 60  # of which the most informative are used
SEARCH_MAX_TERMS = 32
COMMON_DF = 0.5  # suggest: terms in more than this share of documents are dropped (if others remain)
FIX_WEIGHT = 0.8  # weight of a typo correction relative to a word as typed
CHAMPIONS = 2000  # suggest: best documents kept per (segment, term)
SYNC_VOCAB_DOCS = 5000  # below this many documents the typo vocabulary is rebuilt at once after writes


def _idf(n_docs: int, df: int) -> float:
    """Whoosh's idf (flatter than Robertson's: common words keep some weight; better on our benchmarks
    for titles and search queries)."""
    return math.log(n_docs / (df + 1)) + 1.0


def _request_idf(n_docs: int, df: int) -> float:
    """Robertson's idf, for a whole request as the suggest query (analysis.LONG_REQUEST_TERMS or more
    distinct terms): near zero for words most documents have, so the request's many incidental words
    give way to its few telling ones (kyiv-1551: hit@5 0.599 -> 0.605; short queries are unaffected)."""
    return max(math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5)), 0.01)


def _qtf(n: int) -> float:
    """Weight of a term that occurs n times in the query (the suggest service repeats the title)."""
    return 1.0 + math.log(n)


class _Term:
    """One query term as planned: its index variants (the term, typo corrections) and weights."""

    __slots__ = ("term", "weight", "variants", "idf", "df")

    def __init__(self, term, weight, variants, idf, df):
        self.term, self.weight, self.variants, self.idf, self.df = term, weight, variants, idf, df


class WhooshBackend(SearchBackend):
    name = "whoosh"

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
        self._ranker = ChampionRanker(RankParams(TEXT_FIELDS, FIELD_BOOST, K1, FIELD_B, CHAMPIONS))
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
            # update_document() opens a searcher per document; delete the old versions with one instead
            with writer.searcher() as searcher:
                for key in latest:
                    writer.delete_by_term("key", key, searcher=searcher)
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

        def work(writer):
            with writer.searcher() as searcher:
                for key in keys:
                    writer.delete_by_term("key", key, searcher=searcher)

        self._write(work)

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

    def indexed_fingerprint(self) -> str | None:
        try:
            with open(self._fingerprint_path(), encoding="ascii") as fh:
                return fh.read().strip() or None
        except OSError:
            return None

    def optimize(self) -> None:
        """Merge all segments into one (optional, e.g. after a reindex)."""
        self._write(lambda writer: None, optimize=True)

    def keys(self) -> set[tuple[str, int]]:
        searcher = self._acquire_searcher()
        try:
            reader = searcher.reader()
            return {parse_key(reader.stored_fields(docnum)["key"]) for docnum in reader.all_doc_ids()}
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
                    vocab = self._vocab = Vocabulary(searcher.reader(), generation)
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
                self._vocab = Vocabulary(searcher.reader(), searcher.reader().generation())
        except Exception:  # pragma: no cover - best effort; the old vocabulary stays
            log.exception("search: rebuilding the typo vocabulary failed")
        finally:
            self._vocab_building = False

    # ------------------------------------------------------------ query planning

    def _plan(self, searcher, query: str, mode: str) -> list[_Term]:
        """The query's terms with weights, typo corrections and idf; terms the index cannot match are left out.

        Suggest mode works like "more like this": the whole request is the query, so only the SUGGEST_TERMS
        most informative terms (query weight x idf) are kept, and very common terms are dropped when rarer
        ones remain. A 10 kB request costs about as much as a short title."""
        suggest = mode == "suggest"
        text = (query or "")[: analysis.MAX_QUERY_CHARS]
        max_terms = SUGGEST_MAX_TERMS if suggest else SEARCH_MAX_TERMS
        spans = analysis.analyse_spans(text, max_words=max_terms * 3)[:max_terms]
        long_request = suggest and analysis.is_long_request(spans)
        if long_request:
            spans = analysis.request_spans(spans)
        if not spans:
            return []
        counts = Counter(term for term, _, _ in spans)
        raw_of: dict[str, str] = {}
        for term, start, end in spans:
            raw_of.setdefault(term, text[start:end])
        idf_of = _request_idf if long_request else _idf
        vocab = self._vocabulary(searcher)
        reader = searcher.reader()
        n_docs = max(reader.doc_count(), 1)
        planned = []
        for term, n in counts.items():
            variants = [(term, 1.0)]
            if not vocab.knows(term):
                fixed = correct(vocab, term, raw_of[term])
                if fixed:
                    variants.append((fixed[0], FIX_WEIGHT))
            df = 0
            usable = []
            for variant, factor in variants:
                vdf = max(reader.doc_frequency(f, variant) for f in TEXT_FIELDS)
                if vdf:
                    usable.append((variant, factor))
                    df = max(df, vdf)
            if not usable:
                continue
            idf = idf_of(n_docs, df)
            planned.append(_Term(term, _qtf(n), usable, idf, df))
        if suggest and planned:
            informative = [t for t in planned if t.df <= COMMON_DF * n_docs]
            if informative:
                planned = informative
            planned.sort(key=lambda t: -t.weight * t.idf)
            planned = planned[:SUGGEST_TERMS]
        return planned

    # ------------------------------------------------------------ restrictions

    @staticmethod
    def _segment_restrictions(scope: Scope, filters: Filters | None):
        """The same restrictions for the ranker, as per-segment docnum sets read from the index postings."""
        exclude = None
        if not scope.is_staff:

            def exclude(seg, leaf):
                hidden = seg.docset(leaf, "visibility", HIDDEN)
                private = seg.docset(leaf, "visibility", PRIVATE)
                if private and scope.user_id is not None:
                    private = private - seg.docset(leaf, "author_id", str(scope.user_id), cache=False)
                return hidden | private if hidden and private else hidden or private

        require = None
        if filters is not None and (filters.kinds or filters.type or filters.status or filters.category_id is not None):

            def require(seg, leaf):
                sets = []
                if filters.kinds:
                    sets.append(frozenset().union(*(seg.docset(leaf, "kind", k) for k in filters.kinds)))
                if filters.type:
                    sets.append(seg.docset(leaf, "type", filters.type))
                if filters.status:
                    sets.append(seg.docset(leaf, "status", filters.status))
                if filters.category_id is not None:
                    sets.append(seg.docset(leaf, "category_id", str(filters.category_id)))
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
        limit = max(0, int(limit))
        offset = max(0, int(offset))
        if limit == 0:
            return SearchResult()
        searcher = self._acquire_searcher()
        try:
            planned = self._plan(searcher, query, mode)
            if not planned:
                return SearchResult()
            want = offset + limit
            fetch = want + max(10, want // 2)  # a few more, so the boosts in _hits can reorder near-ties
            groups = [[(variant, t.weight * t.idf * factor) for variant, factor in t.variants] for t in planned]
            exclude, require = self._segment_restrictions(scope, filters)
            if mode == "suggest":
                scored = self._ranker.top(searcher, groups, fetch, exclude=exclude, require=require)
                hits = self._hits(searcher, scored)
                return SearchResult(hits=hits[offset:want], total=len(hits))
            # search page: documents with every word first, then those with some of them
            every, some, total = self._ranker.top_all_words_first(
                searcher, groups, fetch, exclude=exclude, require=require
            )
            hits = self._hits(searcher, every) + self._hits(searcher, some)
            return SearchResult(hits=hits[offset:want], total=total)
        finally:
            self._release_searcher(searcher)

    def spelling_suggestion(self, query: str) -> str | None:
        text = (query or "")[: analysis.MAX_QUERY_CHARS]
        spans = analysis.analyse_spans(text, max_words=64) if text.strip() else []
        if not spans:
            return None
        searcher = self._acquire_searcher()
        try:
            vocab = self._vocabulary(searcher)
            by_word: dict[tuple[int, int], list[str]] = {}
            for term, start, end in spans:
                by_word.setdefault((start, end), []).append(term)
            replacements = []
            for (start, end), terms in by_word.items():
                if any(vocab.knows(t) for t in terms):
                    continue
                fixed = next((f for f in (correct(vocab, t, text[start:end], thorough=True) for t in terms) if f), None)
                if fixed is not None:
                    replacements.append((start, end, fixed[1]))
            return analysis.replace_words(text, replacements)
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
