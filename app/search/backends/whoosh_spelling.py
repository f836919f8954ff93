"""Typo tolerance for the Whoosh backend: the index vocabulary as a symmetric-delete dictionary."""

from __future__ import annotations

import time
from collections import Counter

from app.search import analysis, typos
from app.search.planning import TEXT_FIELDS, shown_correction


def _min_df(terms: int) -> int:
    """Rare terms are mostly typos themselves; the bigger the lexicon, the more of them are left out of the
    deletion dictionary (a 300k-term lexicon would otherwise cost ~100 MB of deletion keys)."""
    return 1 if terms < 50_000 else 2 if terms < 200_000 else 3


def _segment_terms(leaf) -> dict[str, int]:
    """{term: document frequency over the text fields} of one segment (segments never change their terms)."""
    freq: Counter = Counter()
    for fieldname in TEXT_FIELDS:
        if fieldname not in leaf.schema:
            continue
        for btext, info in leaf.iter_field(fieldname):
            freq[btext.decode("utf-8")] += info.doc_frequency()
    return freq


def _segments(reader) -> list[tuple[str | None, object]]:
    leaves = reader.leaf_readers() if hasattr(reader, "leaf_readers") else [(reader, 0)]
    out = []
    for leaf, _offset in leaves:
        segment = leaf.segment() if hasattr(leaf, "segment") else None
        out.append((segment.segment_id() if segment is not None else None, leaf))
    return out


class Vocabulary:
    """Terms of the text fields with their document frequencies, and a symmetric-delete dictionary
    (each term under every one-character deletion) to find terms within 1-2 edits without scanning
    the lexicon. Built from one reader; used until the index has changed and the vocabulary is old.

    The frequencies are the sums of the segments' own (as Whoosh's multi-segment reader adds them up), read
    segment by segment and kept per segment id: Whoosh segments are immutable, so the vocabulary of the next
    generation (`previous`) is derived from this one by reading only the segments a commit added and
    subtracting those it merged away (a drain's commit adds a small segment: about a millisecond, where
    reading the whole lexicon through the multi-segment reader took 50 ms on 1,000 topics and far more
    under load, in the first query after every drain). Neither vocabulary is changed by the other."""

    def __init__(self, reader, generation: int, previous: Vocabulary | None = None):
        self.generation = generation
        self.built_at = time.monotonic()
        segments = _segments(reader)
        ids = [seg_id for seg_id, _leaf in segments]
        incremental = previous is not None and None not in ids and previous.segments is not None
        kept = previous.segments if incremental else {}
        self.segments: dict[str, dict[str, int]] | None = (
            None if None in ids else {seg_id: kept.get(seg_id) or _segment_terms(leaf) for seg_id, leaf in segments}
        )
        if incremental:
            self._derive(previous)
            return
        freq: Counter = Counter()
        if self.segments is not None:
            for terms in self.segments.values():
                freq.update(terms)
        else:
            for _seg_id, leaf in segments:
                freq.update(_segment_terms(leaf))
        self.freq = freq
        self.min_df = _min_df(len(freq))
        self.deletes: dict[str, object] = {}
        for term, df in freq.items():
            if self._listed(term, df):
                self._add(self.deletes, term)

    def _listed(self, term: str, df: int) -> bool:
        return df >= self.min_df and typos.typo_budget(term) > 0

    def _add(self, deletes: dict, term: str) -> None:
        for variant in self._deletes1(term):
            have = deletes.get(variant)
            if have is None:
                deletes[variant] = term
            elif isinstance(have, list):
                deletes[variant] = [*have, term]  # a new list: the previous vocabulary may share the old one
            else:
                deletes[variant] = [have, term]

    def _remove(self, deletes: dict, term: str) -> None:
        for variant in self._deletes1(term):
            have = deletes.get(variant)
            if have == term:
                del deletes[variant]
            elif isinstance(have, list):
                rest = [t for t in have if t != term]
                deletes[variant] = rest if len(rest) > 1 else rest[0]

    def _derive(self, previous: Vocabulary) -> None:
        """This generation's frequencies and deletions from the previous ones and the segments that changed."""
        freq = previous.freq.copy()
        changed: set[str] = set()
        for seg_id in previous.segments.keys() - self.segments.keys():
            for term, df in previous.segments[seg_id].items():
                freq[term] -= df
                changed.add(term)
        for seg_id in self.segments.keys() - previous.segments.keys():
            for term, df in self.segments[seg_id].items():
                freq[term] += df
                changed.add(term)
        for term in changed:
            if freq[term] <= 0:
                del freq[term]
        self.freq = freq
        self.min_df = _min_df(len(freq))
        self.deletes = {}
        if self.min_df != previous.min_df:  # the lexicon crossed a size step: every term's listing may change
            for term, df in freq.items():
                if self._listed(term, df):
                    self._add(self.deletes, term)
            return
        deletes = dict(previous.deletes)
        for term in changed:
            was = previous._listed(term, previous.freq.get(term, 0))
            now = self._listed(term, freq.get(term, 0))
            if was and not now:
                self._remove(deletes, term)
            elif now and not was:
                self._add(deletes, term)
        self.deletes = deletes

    @staticmethod
    def _deletes1(term: str) -> set[str]:
        return {term[:i] + term[i + 1 :] for i in range(len(term))}

    def knows(self, term: str) -> bool:
        return term in self.freq

    def _lookup(self, key: str, out: set[str]) -> None:
        have = self.deletes.get(key)
        if have is None:
            return
        if isinstance(have, list):
            out.update(have)
        else:
            out.add(have)

    def correct(self, term: str) -> str | None:
        budget = typos.typo_budget(term)
        if budget == 0 or term in self.freq:
            return None
        cands: set[str] = set()
        self._lookup(term, cands)  # the query misses a letter
        d1 = self._deletes1(term)
        for v in d1:
            if v in self.freq:  # the query has an extra letter
                cands.add(v)
            self._lookup(v, cands)  # a wrong or swapped letter
        if budget >= 2:
            for v in d1:
                for v2 in self._deletes1(v):
                    if v2 in self.freq:
                        cands.add(v2)
                    self._lookup(v2, cands)
        if not cands:
            return None
        return typos.correct_term(term, cands, self.freq)


class _NoVocabulary:
    """Stands in while a big index's vocabulary is being built: every term counts as known."""

    freq: dict = {}

    def knows(self, term: str) -> bool:
        return True

    def correct(self, term: str) -> str | None:
        return None


NO_VOCABULARY = _NoVocabulary()


def correct(vocab: Vocabulary, term: str, raw: str, thorough: bool = False) -> tuple[str, str] | None:
    """(known term, word to show) for an unknown term, or None. Typos only: a word the ru/uk dictionary
    knows is no typo. Tries, in order: dictionary words one edit away from the raw word whose lemma the
    index knows ("кредитнаяя" -> "кредитная"), the term itself against the index vocabulary (a stem or a
    lemma: "paymnet" -> "payment"), and the raw word against it ("приложенее" -> "приложение")."""
    if vocab is NO_VOCABULARY or analysis.is_dictionary_word(raw):
        return None
    best = None
    for word in typos.dictionary_corrections(raw, thorough):
        for fixed in analysis.analyse(word):
            f = vocab.freq.get(fixed, 0)
            if f and (best is None or f > best[0]):
                best = (f, fixed, word)
    if best is not None:
        return best[1], _same_case(raw, best[2])
    fixed = vocab.correct(term)
    if fixed is None:
        word = analysis.normalise_word(raw)
        if word != term and "-" not in word:
            fixed = vocab.correct(word)
    return (fixed, _same_case(raw, shown_correction(raw, term, fixed))) if fixed else None


def _same_case(raw: str, word: str) -> str:
    if raw.isupper() and len(raw) > 1:
        return word.upper()
    if raw[:1].isupper():
        return word[:1].upper() + word[1:]
    return word
