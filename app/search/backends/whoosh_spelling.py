"""Typo tolerance for the Whoosh backend: the index vocabulary as a symmetric-delete dictionary."""

from __future__ import annotations

import time
from collections import Counter

from app.search import analysis, typos
from app.search.planning import TEXT_FIELDS, shown_correction


class Vocabulary:
    """Terms of the text fields with their document frequencies, and a symmetric-delete dictionary
    (each term under every one-character deletion) to find terms within 1-2 edits without scanning
    the lexicon. Built from one reader; used until the index has changed and the vocabulary is old."""

    def __init__(self, reader, generation: int):
        self.generation = generation
        self.built_at = time.monotonic()
        freq: Counter = Counter()
        for fieldname in TEXT_FIELDS:
            if fieldname not in reader.schema:
                continue
            for btext, info in reader.iter_field(fieldname):
                freq[btext.decode("utf-8")] += info.doc_frequency()
        self.freq = freq
        self.deletes: dict[str, object] = {}
        # Rare terms are mostly typos themselves; the bigger the lexicon, the more of them are left out
        # (a 300k-term lexicon would otherwise cost ~100 MB of deletion keys).
        min_df = 1 if len(freq) < 50_000 else 2 if len(freq) < 200_000 else 3
        for term, df in freq.items():
            if df < min_df or typos.typo_budget(term) == 0:
                continue
            for variant in self._deletes1(term):
                have = self.deletes.get(variant)
                if have is None:
                    self.deletes[variant] = term
                elif isinstance(have, list):
                    have.append(term)
                else:
                    self.deletes[variant] = [have, term]

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
