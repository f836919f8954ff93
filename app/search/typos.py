"""Typo tolerance shared by both backends: how many edits a term may have, the distance, the best
vocabulary term within it, and dictionary words one edit away from an unknown inflected form.

    typo_budget(term) -> int                                allowed edits for a term (0, 1 or 2)
    edit_distance(a, b, limit) -> int                       Damerau (OSA) distance, capped at limit+1
    correct_term(term, candidates, freq=None) -> str|None   best vocabulary term within typo_budget
    dictionary_corrections(word) -> tuple[str, ...]         dictionary words one edit away (ru/uk)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache

from app.search.analysis import is_dictionary_word, normalise_word
from app.search.morphology import known

_CYR_ALPHABET = "абвгдежзийклмнопрстуфхцчшщъыьэюяіїєґ"
_CYR_WORD = re.compile(r"[а-яіїєґ']+")


@lru_cache(maxsize=20_000)
def dictionary_corrections(word: str, thorough: bool = False) -> tuple[str, ...]:
    """Words a Russian or Ukrainian dictionary knows one edit away from `word`, for a Cyrillic word of
    4+ letters that no dictionary knows. This corrects inflected forms ("кредитнаяя" -> "кредитная"),
    which a vocabulary of lemmas cannot. Without `thorough` only a deleted or swapped letter is tried
    (~2 lookups per letter, well under a millisecond); `thorough` also tries every replaced and inserted
    letter ("прихдит" -> "приходит"; several milliseconds): for "did you mean", not for typing."""
    w = normalise_word(word)
    if len(w) < 4 or len(w) > 24 or not _CYR_WORD.fullmatch(w):
        return ()
    if is_dictionary_word(w):
        return ()
    w = w.replace("'", "")
    splits = [(w[:i], w[i:]) for i in range(len(w) + 1)]
    cheap = {a + b[1:] for a, b in splits if b} | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    found = [c for c in sorted(cheap) if _known_any(c)]
    if not found and thorough:
        rest = {a + ch + b[1:] for a, b in splits if b for ch in _CYR_ALPHABET} | {
            a + ch + b for a, b in splits for ch in _CYR_ALPHABET
        }
        found = [c for c in sorted(rest - {w}) if _known_any(c)]
    return tuple(found[:8])


def _known_any(word: str) -> bool:
    return known(word, "ru") or known(word, "uk")


def typo_budget(term: str) -> int:
    """Edits allowed when correcting `term`: 0 below 4 characters or with digits, 1 from 4, 2 from 8."""
    if len(term) < 4 or any(c.isdigit() for c in term):
        return 0
    return 1 if len(term) < 8 else 2


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal-string-alignment (Damerau) distance, or limit + 1 as soon as it exceeds `limit`."""
    if a == b:
        return 0
    la, lb = len(a), len(b)
    if abs(la - lb) > limit:
        return limit + 1
    prev2 = None
    prev = list(range(lb + 1))
    for i in range(1, la + 1):
        cur = [i] + [0] * lb
        ca = a[i - 1]
        row_min = cur[0]
        for j in range(1, lb + 1):
            cost = 0 if ca == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            if v < row_min:
                row_min = v
        if row_min > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[lb], limit + 1)


def correct_term(
    term: str, candidates: Iterable[str], freq: Mapping[str, float] | Callable[[str], float] | None = None
) -> str | None:
    """The closest candidate within typo_budget(term) (ties: the more frequent one), or None.

    `candidates` is any iterable of vocabulary terms (a backend passes a prefix-narrowed slice of its
    lexicon); `freq` gives document frequencies to break ties.
    """
    budget = typo_budget(term)
    if budget == 0:
        return None
    get = (freq.get if isinstance(freq, Mapping) else freq) if freq is not None else None
    best, best_key = None, None
    for cand in candidates:
        if cand == term:
            return None  # a known term needs no correction
        if abs(len(cand) - len(term)) > budget or typo_budget(cand) == 0:
            continue
        d = edit_distance(term, cand, budget)
        if d > budget:
            continue
        f = (get(cand) or 0) if get else 0
        key = (d, -f, cand)
        if best_key is None or key < best_key:
            best, best_key = cand, key
    return best
