"""Fast top-k ranking over a Whoosh index for suggest: impact-ordered posting lists ("champion lists").

Whoosh's own matchers walk every posting of every query term in Python; for a request-sized query over
100,000 topics that takes hundreds of milliseconds. Here each (segment, term) is turned once into its
CHAMPIONS best-scoring documents with their BM25F contribution (summed over the text fields with the
field boosts), cached per segment. Segments are immutable in Whoosh, so the cache stays valid across
commits: only new segments (or merged ones) are read again; deletions are applied at query time.

A query then adds up at most CHAMPIONS contributions per term (scaled by the term's query weight and
its idf over the whole index), drops deleted and invisible documents and keeps the best. Visibility
and filters come from the index itself (postings of visibility / author_id / filter fields).
"""

from __future__ import annotations

import heapq
import threading
from array import array
from collections import OrderedDict
from operator import itemgetter

import numpy as np
from whoosh.util.numeric import byte_to_length

try:  # Whoosh 2.7 stores field lengths in a per-segment column; read it in bulk when we can
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
except ImportError:  # pragma: no cover - other Whoosh versions: per-document reads
    LENGTHS_COLUMN = _lenfield = None

_B2L = [byte_to_length(i) for i in range(256)]


class RankParams:
    def __init__(
        self, fields: tuple[str, ...], boosts: dict[str, float], k1: float, b: dict[str, float], champions: int
    ):
        self.fields = fields
        self.boosts = boosts
        self.k1 = k1
        self.b = b
        self.champions = champions


class _Segment:
    """Derived, immutable data of one Whoosh segment (valid as long as the segment exists)."""

    MAX_TERMS = 50_000
    MAX_SETS = 4096

    def __init__(self, leaf, params: RankParams, avgdl: dict[str, float]):
        self.params = params
        # the average field lengths of the whole index when the segment was first read (as Whoosh's
        # BM25F does; a per-segment average would favour documents of segments with long texts)
        self.avgdl = avgdl
        self._lengths: dict[str, object] = {}
        self._impacts: OrderedDict = OrderedDict()
        self._sets: OrderedDict = OrderedDict()
        self._dfs: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def _field_lengths(self, leaf, fieldname: str):
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            lengths = None
            perdoc = getattr(leaf, "_perdoc", None)
            if perdoc is not None and LENGTHS_COLUMN is not None:
                try:
                    col = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
                    if col is not None:
                        raw = col.load() if hasattr(col, "load") else list(col)
                        lengths = [_B2L[x] for x in raw]
                except Exception:  # pragma: no cover - fall back to per-document reads
                    lengths = None
            if lengths is None:
                lengths = _PerDocLengths(leaf, fieldname)
            self._lengths[fieldname] = lengths
        return lengths

    def impacts(self, leaf, term: str) -> tuple[array, array]:
        """(docnums, contributions) of the best CHAMPIONS documents for `term` in this segment."""
        found = self._impacts.get(term)
        if found is not None:
            return found
        p = self.params
        btext = term.encode("utf-8")
        acc: dict[int, float] = {}
        k1 = p.k1
        for fieldname in p.fields:
            if (fieldname, btext) not in leaf:
                continue
            boost = p.boosts.get(fieldname, 1.0)
            b = p.b.get(fieldname, 0.75)
            avgdl = self.avgdl[fieldname]
            lengths = self._field_lengths(leaf, fieldname)
            norm_a = k1 * (1.0 - b)
            norm_b = k1 * b / avgdl
            scale = boost * (k1 + 1.0)
            get = acc.get
            for docnum, tf in _postings(leaf.postings(fieldname, btext)):
                acc[docnum] = get(docnum, 0.0) + scale * tf / (tf + norm_a + norm_b * lengths[docnum])
        if len(acc) > p.champions:
            items = heapq.nlargest(p.champions, acc.items(), key=itemgetter(1))
        else:
            items = list(acc.items())
        found = (array("i", [d for d, _ in items]), array("d", [c for _, c in items]))
        with self._lock:
            self._impacts[term] = found
            if len(self._impacts) > self.MAX_TERMS:
                self._impacts.popitem(last=False)
        return found

    def doc_frequencies(self, leaf, term: str) -> tuple[int, ...]:
        """The term's document frequency in each ranked field of this segment (postings of deleted documents
        included, as Whoosh counts them), cached: recurring questions plan the same terms again and again."""
        found = self._dfs.get(term)
        if found is not None:
            return found
        found = tuple(leaf.doc_frequency(fieldname, term) for fieldname in self.params.fields)
        with self._lock:
            self._dfs[term] = found
            if len(self._dfs) > self.MAX_TERMS:
                self._dfs.popitem(last=False)
        return found

    def term_docs(self, leaf, term: str) -> frozenset:
        """Every document of this segment with `term` in any text field (cached like the impacts)."""
        key = ("*", term)
        found = self._sets.get(key)
        if found is not None:
            return found
        btext = term.encode("utf-8")
        docs: set[int] = set()
        for fieldname in self.params.fields:
            if (fieldname, btext) in leaf:
                docs.update(leaf.postings(fieldname, btext).all_ids())
        found = frozenset(docs)
        with self._lock:
            self._sets[key] = found
            if len(self._sets) > self.MAX_SETS:
                self._sets.popitem(last=False)
        return found

    def docset(self, leaf, fieldname: str, value: str, cache: bool = True) -> frozenset:
        key = (fieldname, value)
        found = self._sets.get(key) if cache else None
        if found is not None:
            return found
        btext = value.encode("utf-8")
        if (fieldname, btext) in leaf:
            found = frozenset(leaf.postings(fieldname, btext).all_ids())
        else:
            found = frozenset()
        if cache:
            with self._lock:
                self._sets[key] = found
                if len(self._sets) > self.MAX_SETS:
                    self._sets.popitem(last=False)
        return found


class _PerDocLengths:
    def __init__(self, leaf, fieldname):
        self.leaf, self.fieldname = leaf, fieldname

    def __getitem__(self, docnum):
        return self.leaf.doc_field_length(docnum, self.fieldname, 0) or 0


def _postings(matcher):
    """(docnum, term frequency) pairs, a block at a time when the matcher allows it."""
    blocks = all(hasattr(matcher, a) for a in ("_read_ids", "_read_weights", "_next_block", "_lastblock"))
    if not blocks:  # pragma: no cover - other codecs
        while matcher.is_active():
            yield matcher.id(), matcher.weight()
            matcher.next()
        return
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        if matcher._weights is None:
            matcher._read_weights()
        ids, weights = matcher._ids, matcher._weights
        if isinstance(weights, (int, float)):  # Whoosh stores "all weights 1" compactly
            weights = [weights] * len(ids)
        yield from zip(ids, weights)
        if matcher._lastblock:
            break
        matcher._next_block()


def _summed(seg, leaf, groups) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ChampionRanker._accumulate in bulk: (documents, their summed contributions, the position where each was
    first met). Near-duplicates of a recurring question fill every champion list of its terms, so a suggestion
    adds up tens of thousands of contributions; bincount sums each document's in the same order as the loop
    did (0.0 + the first, then each next one), so the scores are the same floats."""
    docs, parts = [], []
    for group in groups:
        for term, weight in group:
            found, contributions = seg.impacts(leaf, term)
            if len(found):
                docs.append(np.frombuffer(found, dtype=np.intc))
                parts.append(np.frombuffer(contributions, dtype=np.float64) * weight)
    if not docs:
        empty = np.zeros(0, dtype=np.int64)
        return empty, np.zeros(0), empty
    every = np.concatenate(docs)
    unique, first, inverse = np.unique(every, return_index=True, return_inverse=True)
    return unique, np.bincount(inverse.ravel(), weights=np.concatenate(parts), minlength=len(unique)), first


class ChampionRanker:
    """Keeps per-segment data for the live segments of one index and ranks queries against them."""

    MAX_SEGMENTS = 256

    def __init__(self, params: RankParams):
        self.params = params
        self._segments: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def _segment(self, leaf, reader) -> _Segment:
        seg_id = leaf.segment().segment_id()
        seg = self._segments.get(seg_id)
        if seg is None:
            n = max(reader.doc_count_all(), 1)
            avgdl = {f: (reader.field_length(f) / n) or 1.0 for f in self.params.fields}
            seg = _Segment(leaf, self.params, avgdl)
            with self._lock:
                self._segments[seg_id] = seg
                while len(self._segments) > self.MAX_SEGMENTS:
                    self._segments.popitem(last=False)
        return seg

    def clear(self) -> None:
        with self._lock:
            self._segments.clear()

    def doc_frequency(self, searcher, term: str) -> int:
        """The term's highest document frequency over the ranked fields, as max(reader.doc_frequency(f, term))
        gives it, from the per-segment counts (a multi-segment reader would ask every segment for every field)."""
        reader = searcher.reader()
        leaves = reader.leaf_readers() if hasattr(reader, "leaf_readers") else [(reader, 0)]
        per_field = [0] * len(self.params.fields)
        for leaf, _offset in leaves:
            if leaf.segment() is None:  # an empty index's reader
                dfs = tuple(leaf.doc_frequency(fieldname, term) for fieldname in self.params.fields)
            else:
                dfs = self._segment(leaf, reader).doc_frequencies(leaf, term)
            for i, df in enumerate(dfs):
                per_field[i] += df
        return max(per_field)

    @staticmethod
    def _leaves(searcher):
        reader = searcher.reader()
        leaves = reader.leaf_readers() if hasattr(reader, "leaf_readers") else [(reader, 0)]
        return reader, [(leaf, offset) for leaf, offset in leaves if leaf.doc_count() > 0]

    @staticmethod
    def _accumulate(seg, leaf, groups) -> dict[int, float]:
        acc: dict[int, float] = {}
        for group in groups:
            for term, weight in group:
                docs, contributions = seg.impacts(leaf, term)
                get = acc.get
                for docnum, c in zip(docs, contributions):
                    acc[docnum] = get(docnum, 0.0) + weight * c
        return acc

    @staticmethod
    def _unwanted(seg, leaf, exclude) -> set | frozenset:
        """Deleted documents and those the scope may not see, in this segment."""
        drop = exclude(seg, leaf) if exclude is not None else frozenset()
        if leaf.has_deletions():
            drop = set(drop)
            drop.update(leaf.segment().deleted_docs())
        return drop

    def top(
        self, searcher, groups: list[list[tuple[str, float]]], k: int, *, exclude=None, require=None
    ) -> list[tuple[int, float]]:
        """Best k (global docnum, score), any query term matching (mode "suggest").

        `groups`: one list per query term of (index term, weight) — the term and its typo corrections,
        weights with query weight and idf applied. exclude(seg, leaf) -> segment docnums the scope may
        not see; require(seg, leaf) -> segment docnums the filters allow (None: all)."""
        reader, leaves = self._leaves(searcher)
        best: list[tuple[float, int]] = []
        for leaf, offset in leaves:
            seg = self._segment(leaf, reader)
            docs, scores, first = _summed(seg, leaf, groups)
            if not len(docs):
                continue
            keep = None
            drop = self._unwanted(seg, leaf, exclude)
            if drop:
                keep = ~np.isin(docs, np.fromiter(drop, dtype=np.int64, count=len(drop)))
            if require is not None:
                allowed = require(seg, leaf)
                if allowed is not None:
                    inside = np.isin(docs, np.fromiter(allowed, dtype=np.int64, count=len(allowed)))
                    keep = inside if keep is None else keep & inside
            if keep is not None:
                docs, scores, first = docs[keep], scores[keep], first[keep]
            # the k best, equal scores in the order the documents were first met (as heapq.nlargest over the
            # accumulated dict kept them)
            for i in np.lexsort((first, -scores))[:k]:
                best.append((float(scores[i]), offset + int(docs[i])))
        best.sort(key=lambda x: (-x[0], x[1]))
        return [(docnum, score) for score, docnum in best[:k]]

    def top_all_words_first(
        self, searcher, groups: list[list[tuple[str, float]]], k: int, *, exclude=None, require=None
    ) -> tuple[list[tuple[int, float]], list[tuple[int, float]], int]:
        """Mode "search": (documents with every query term, documents with some of them, total), each list
        the best k by score. Which documents match is exact (full posting sets, cached per segment); scores
        come from the champion lists, and a document outside them gets the lowest champion score of each
        of its terms (it ranks below the champions, as it would)."""
        reader, leaves = self._leaves(searcher)
        every: list[tuple[float, int]] = []
        some: list[tuple[float, int]] = []
        total = 0
        for leaf, offset in leaves:
            seg = self._segment(leaf, reader)
            sets = []
            for group in groups:
                docs = frozenset().union(*(seg.term_docs(leaf, term) for term, _ in group))
                sets.append(docs)
            any_docs = frozenset().union(*sets)
            if not any_docs:
                continue
            drop = self._unwanted(seg, leaf, exclude)
            if drop:
                any_docs = any_docs - drop
            if require is not None:
                allowed = require(seg, leaf)
                if allowed is not None:
                    any_docs = any_docs & allowed
            if not any_docs:
                continue
            total += len(any_docs)
            all_docs = frozenset.intersection(any_docs, *sets)
            acc = self._accumulate(seg, leaf, groups)
            floor = {}
            for group in groups:
                for term, weight in group:
                    docs, contributions = seg.impacts(leaf, term)
                    floor[term] = weight * contributions[-1] if len(contributions) else 0.0
            for docnum in all_docs:
                if docnum not in acc:  # beyond every champion list: estimate below them
                    acc[docnum] = sum(floor[t] for g in groups for t, _ in g if docnum in seg.term_docs(leaf, t))
            with_all = ((d, acc[d]) for d in all_docs)
            every.extend((sc, offset + d) for d, sc in heapq.nlargest(k, with_all, key=itemgetter(1)))
            partial = ((d, sc) for d, sc in acc.items() if d in any_docs and d not in all_docs)
            some.extend((sc, offset + d) for d, sc in heapq.nlargest(k, partial, key=itemgetter(1)))
        every.sort(key=lambda x: (-x[0], x[1]))
        some.sort(key=lambda x: (-x[0], x[1]))
        return ([(d, sc) for sc, d in every[:k]], [(d, sc) for sc, d in some[:k]], total)
