"""Ukrainian lemma -> Russian lemma, so that a request in one language finds threads in the other.

Sources, in order: Apertium's rus-ukr dictionary when installed (bilingual.py), our own list, which wins
where both have a word (synonyms.UK_TO_RU), and, for a Ukrainian lemma neither pairs, a Russian cognate by
regular letter changes that the Russian dictionary knows (горіти -> гореть), never for a listed false
friend (synonyms.FALSE_FRIENDS). The table is built once per process with the analysers themselves
(~1.6 s with the dictionary), so its entries follow pymorphy3's lemmas.
"""

from __future__ import annotations

import threading
from functools import lru_cache

from app.search.bilingual import load_pairs
from app.search.morphology import known, lemma
from app.search.stopwords import ALL as _STOP_ALL
from app.search.synonyms import FALSE_FRIENDS, UK_TO_RU


def russian_equivalents(uk_lemma: str) -> tuple[str, ...]:
    """The terms a Ukrainian lemma is indexed under: its Russian equivalent, else itself."""
    return table().get(uk_lemma) or russian_cognate(uk_lemma)


# A Ukrainian lemma no dictionary pairs is often spelt like its Russian cognate with regular letter changes
# (горіти/гореть, кіт/кот, вибір/выбор): candidates are tried against the Russian dictionary.
_COGNATE_LETTERS = {"і": ("и", "е", "о"), "и": ("ы", "и"), "ї": ("и",), "є": ("е",), "ґ": ("г",)}
_COGNATE_ENDINGS = (("тися", "ться"), ("ти", "ть"))
_MAX_COGNATE_CANDIDATES = 48


@lru_cache(maxsize=100_000)
def russian_cognate(uk_lemma: str) -> tuple[str, ...]:
    """(Russian lemma,) of a Ukrainian lemma's cognate the Russian dictionary knows, else (uk_lemma,)."""
    if len(uk_lemma) < 4 or uk_lemma in _FALSE_FRIENDS or known(uk_lemma, "ru"):
        return (uk_lemma,)
    stem, ending = uk_lemma, ""
    for uk_end, ru_end in _COGNATE_ENDINGS:
        if uk_lemma.endswith(uk_end):
            stem, ending = uk_lemma[: -len(uk_end)], ru_end
            break
    candidates = [""]
    for ch in stem:
        options = _COGNATE_LETTERS.get(ch, (ch,))
        candidates = [c + o for c in candidates for o in options][:_MAX_COGNATE_CANDIDATES]
    for cand in candidates:
        cand += ending
        if cand != uk_lemma and known(cand, "ru"):
            return (lemma(cand, "ru"),)
    return (uk_lemma,)


_FALSE_FRIENDS = frozenset(FALSE_FRIENDS)
_table: dict[str, tuple[str, ...]] | None = None
_table_lock = threading.Lock()


def table() -> dict[str, tuple[str, ...]]:
    """Ukrainian lemma -> (Russian lemma,) from the dictionary and our list, built once per process."""
    global _table
    if _table is None:
        with _table_lock:
            if _table is None:
                _table = _build_table()
    return _table


def reset() -> None:
    """Forget the table and the cognates found (the dictionary setting changed: tests, a new install)."""
    global _table
    with _table_lock:
        _table = None
        russian_cognate.cache_clear()


def _build_table() -> dict[str, tuple[str, ...]]:
    pairs = list(load_pairs().items()) + [(uk, [ru]) for uk, ru in UK_TO_RU.items()]
    out: dict[str, tuple[str, ...]] = {}
    for uk_word, ru_words in pairs:
        src = lemma(uk_word.lower().replace("'", ""), "uk").replace("'", "")
        if src in _STOP_ALL:
            continue
        dst = lemma(ru_words[0].lower(), "ru").replace("'", "")
        if dst != src and dst not in _STOP_ALL:
            out[src] = (dst,)
    return out
