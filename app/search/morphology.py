"""Word-level morphology for the analyser: Russian and Ukrainian lemmas (pymorphy3), English stems (Snowball).

The analysers are created once, lazily (~1 s for both dictionaries), and every answer is cached, so warm
words cost microseconds. analysis.py decides which language a word is in; this module only answers.
"""

from __future__ import annotations

import threading
from functools import lru_cache

_lock = threading.Lock()
_morph: dict[str, object] = {}
_local = threading.local()


def analyzer(lang: str):
    m = _morph.get(lang)
    if m is None:
        with _lock:
            m = _morph.get(lang)
            if m is None:
                import pymorphy3

                m = pymorphy3.MorphAnalyzer(lang=lang)
                _morph[lang] = m
    return m


def _stemmer():
    s = getattr(_local, "stemmer", None)
    if s is None:
        import snowballstemmer

        s = _local.stemmer = snowballstemmer.stemmer("english")
    return s


@lru_cache(maxsize=300_000)
def lemma(word: str, lang: str) -> str:
    """Lemma of a lowercase Cyrillic word in `lang` ("ru" or "uk"), ё→е."""
    parses = analyzer(lang).parse(word)
    if not parses:
        return word.replace("ё", "е")
    lemma = parses[0].normal_form
    if lang == "uk" and len(parses) > 1 and parses[0].is_known:
        # The Ukrainian dictionary has no frequencies (every parse scores the same), so parses[0] is
        # arbitrary ("води" -> "водити"). Prefer the word itself when it is a lemma ("рік", not "ріка"),
        # else the lemma most of its parses agree on ("води": вода x4, водити x1).
        forms = [p.normal_form for p in parses]
        if word in forms:
            lemma = word
        else:
            counts: dict[str, int] = {}
            for form in forms:
                counts[form] = counts.get(form, 0) + 1
            lemma = max(counts, key=lambda f: (counts[f], -forms.index(f)))
    return lemma.replace("ё", "е")


@lru_cache(maxsize=300_000)
def known(word: str, lang: str) -> bool:
    return analyzer(lang).word_is_known(word)


@lru_cache(maxsize=100_000)
def stem_en(word: str) -> str:
    if word.endswith("'s"):
        word = word[:-2]
    return _stemmer().stemWord(word.replace("'", ""))
