"""The one analyser pipeline for documents and queries, shared by every search backend.

    text -> words (Unicode letters/digits; inner hyphens and apostrophes, incl. Ukrainian ’ ʼ ')
         -> lowercase, NFC, stress marks removed, ё→е
         -> per word: Russian / Ukrainian lemma (pymorphy3), English Snowball stem, digits as they are
         -> Ukrainian lemmas with a Russian equivalent become it: our own list (synonyms.py: картка -> карта),
            the Apertium rus-ukr dictionary when installed (bilingual.py: опалення -> отопление), else a
            Russian cognate the Russian dictionary knows (горіти -> гореть)
         -> apostrophes dropped from terms, stop words dropped (stopwords.py)
         -> the staff's synonym groups (custom_synonyms.py): a phrase of a group adds the group's term

Language per Cyrillic word: і ї є ґ or an apostrophe → Ukrainian; ы э ъ ё → Russian; otherwise the word
is looked up in both dictionaries. A word only one dictionary knows goes to that language; a word both
(or neither) know follows the language of the surrounding text (majority of the words that decided);
when the text gives no majority, both lemmas are emitted if they differ, so a short query still meets a
document in either language. Words longer than MAX_WORD_CHARS are kept (cut) as they are.

Speed: the morphological analysers are created once, lazily (~1 s for both dictionaries), and the
Ukrainian -> Russian table once per process (~1.6 s with the dictionary); every word's analysis is cached (lru_cache), so warm text costs a few microseconds per word and a typed query well
under a millisecond; a cold word costs ~0.1-0.3 ms (pymorphy3).

Public API (stable; both backends and the service layer rely on it):
    analyse(text) -> list[str]                              terms in order, duplicates kept
    analyse_query(text, max_terms=64) -> list[str]          same pipeline, bounded input
    analyse_spans(text) -> list[(term, start, end)]         terms with the span of their source word
    words(text) -> list[(start, end, word)]                 raw words with positions (highlighting)
    (highlighting.py: highlight(text, query) -> a safe HTML snippet with the matches in <mark>)
    is_dictionary_word(word) -> bool                        a ru/uk dictionary knows it (so: no typo)
    normalise_word(word) -> str                             lowercase, ё→е, normalised apostrophes
    replace_words(text, [(start, end, word)]) -> str|None   a "did you mean" line from word corrections
    is_long_request(spans), request_spans(spans)            a suggest query that is a whole request
    fingerprint() -> str                                    what an index must have been analysed with

Beside it: morphology.py (lemmas and stems), translation.py (Ukrainian -> Russian), typos.py (typo
tolerance: budgets, distances, corrections).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from app.search import custom_synonyms, translation
from app.search.morphology import known as _known
from app.search.morphology import lemma as _lemma
from app.search.morphology import stem_en as _stem_en
from app.search.stopwords import ALL as _STOP_ALL
from app.search.stopwords import EN as _STOP_EN
from app.search.synonyms import CYRILLIC_TO_LATIN

__all__ = [
    "analyse",
    "analyse_query",
    "analyse_spans",
    "words",
    "word_terms",
    "is_dictionary_word",
    "normalise_word",
    "is_long_request",
    "request_spans",
    "fingerprint",
    "reset_translations",
    "replace_words",
    "MAX_QUERY_CHARS",
    "LONG_REQUEST_TERMS",
]

# A word: letters/digits (plus combining marks, e.g. stress accents), joined by inner hyphens or apostrophes.
# Apostrophes seen inside Ukrainian words: ' ’ ʼ ‘ ` ” ′ ʹ (typed with whatever the keyboard offers).
_WORD_RE = re.compile(
    r"(?:[^\W_]|[\u0300-\u036f])+"
    r"(?:[-\u2010\u2011'\u2019\u02bc\u2018`\u201d\u2032\u02b9](?:[^\W_]|[\u0300-\u036f])+)*"
)
_APOSTROPHES = str.maketrans(
    {
        "\u2019": "'",
        "\u02bc": "'",
        "\u2018": "'",
        "`": "'",
        "\u201d": "'",
        "\u2032": "'",
        "\u02b9": "'",
        "\u2010": "-",
        "\u2011": "-",
        "ё": "е",
    }
)
_STRESS_RE = re.compile(r"[\u0300\u0301]")

_UK_ONLY = frozenset("іїєґ")
_RU_ONLY = frozenset("ыэъ")
_CYR = re.compile(r"[а-яёіїєґ]")
_LAT = re.compile(r"[a-z]")
# Latin letters that look like Cyrillic ones (a word typed with a mixed keyboard layout).
_LAT2CYR = str.maketrans("aceopxykmtbhi", "асеорхукмтвні")
_CYR2LAT = str.maketrans("асеорхукмтвні", "aceopxykmtbhi")

MAX_QUERY_CHARS = 4000
MAX_WORD_CHARS = 48
# Raise when a change to this module gives a text other terms: indexes built before need `flask search
# reindex`, and `flask search verify` says so (fingerprint()).
ANALYSER_VERSION = 3

# ---------------------------------------------------------------- word level

# Word classes decided without context.
_NUM, _LATIN, _MIXED, _RU, _UK, _BOTH, _NONE, _STOP = "num", "lat", "mix", "ru", "uk", "both", "none", "stop"


@lru_cache(maxsize=300_000)
def _parts(raw: str) -> tuple[tuple[str, str], ...]:
    """Normalise one raw word and split it into (form, class) parts. Cached on the raw word."""
    if len(raw) > MAX_WORD_CHARS:  # no dictionary word is this long: keep a prefix as it is (no lemmatising)
        w = unicodedata.normalize("NFC", raw[:MAX_WORD_CHARS].lower()).translate(_APOSTROPHES).replace("'", "")
        return ((w, _MIXED),)
    w = unicodedata.normalize("NFC", raw.lower())
    w = _STRESS_RE.sub("", w).translate(_APOSTROPHES)
    had_yo = "ё" in raw.lower()
    out = [_classify(part, had_yo) for part in w.split("-") if part]
    if len(out) > 1 and all(cls in (_LATIN, _STOP) for _, cls in out) and _LAT.search(w):
        joined = "".join(f for f, _ in out).replace("'", "")  # e-mail, wi-fi: also "email", "wifi"
        if joined not in _STOP_ALL:
            out.append((joined, _LATIN))
    return tuple(out)


def _one_script(part: str) -> tuple[str, bool, bool]:
    """The part with a mixed keyboard layout converted to its majority script when that leaves one
    script, and whether it has Cyrillic / Latin letters."""
    has_cyr = bool(_CYR.search(part))
    has_lat = bool(_LAT.search(part))
    if has_cyr and has_lat:
        n_cyr = len(_CYR.findall(part))
        n_lat = len(_LAT.findall(part))
        conv = part.translate(_LAT2CYR) if n_cyr >= n_lat else part.translate(_CYR2LAT)
        if not (_CYR.search(conv) and _LAT.search(conv)):
            return conv, n_cyr >= n_lat, n_cyr < n_lat
    return part, has_cyr, has_lat


def _classify(part: str, had_yo: bool) -> tuple[str, str]:
    """(form, class) of one hyphen-separated part of a normalised word (`had_yo`: the raw word had ё)."""
    part, has_cyr, has_lat = _one_script(part)
    if has_cyr and has_lat or (any(c.isdigit() for c in part) and (has_cyr or has_lat)):
        return part.replace("'", ""), _MIXED
    if not has_cyr and not has_lat:
        if part.isdigit() or any(c.isdigit() for c in part):
            return part, _NUM
        # another script (Greek, CJK, ...): keep the form as is
        return part.replace("'", ""), _MIXED if len(part) > 1 else _STOP
    bare = part.replace("'", "")
    if len(bare) < 2 or part in _STOP_ALL:
        return part, _STOP
    if has_lat:
        return part, _STOP if part in _STOP_EN else _LATIN
    return part, _cyrillic_class(part, had_yo)


def _cyrillic_class(part: str, had_yo: bool) -> str:
    chars = set(part)
    if "'" in part or chars & _UK_ONLY:
        return _UK
    if chars & _RU_ONLY or had_yo:
        return _RU
    ru, uk = _known(part, "ru"), _known(part, "uk")
    return _BOTH if ru and uk else _RU if ru else _UK if uk else _NONE


def _terms_for(form: str, cls: str, lang: str | None) -> tuple[str, ...]:
    """Terms of one word part; `lang` is the text's language for ambiguous words (None: undecided)."""
    if cls == _STOP:
        return ()
    if cls in (_NUM, _MIXED):
        return (form,)
    if cls == _LATIN:
        return (_stem_en(form),)
    # (lemma, its language): only Ukrainian lemmas are translated, so a Russian word that happens to be
    # spelt like a Ukrainian one ("час": hour / time) keeps its own meaning
    if cls in (_RU, _UK):
        lemmas: tuple[tuple[str, str], ...] = ((_lemma(form, cls), cls),)
    elif lang is not None:
        lemmas = ((_lemma(form, lang), lang),)
    else:
        a, b = _lemma(form, "ru"), _lemma(form, "uk")
        if cls == _NONE:  # neither dictionary knows it: the Russian guess alone (predictors disagree a lot)
            lemmas = ((a, "ru"),)
        else:
            lemmas = ((a, "ru"),) if a == b else ((a, "ru"), (b, "uk"))
    # apostrophes are dropped from terms: "під'їзд" and the often typed "підїзд" become one term;
    # Ukrainian lemmas with a Russian equivalent become that lemma (synonyms.py, bilingual.py)
    out = []
    for t, t_lang in lemmas:
        t = t.replace("'", "")
        for term in translation.russian_equivalents(t) if t_lang == "uk" else (t,):
            if term not in _STOP_ALL and len(term) > 1 and term not in out:
                out.append(term)
            latin = CYRILLIC_TO_LATIN.get(term) or CYRILLIC_TO_LATIN.get(form)
            if latin and _stem_en(latin) not in out:  # "смс" also as "sms": one script finds the other
                out.append(_stem_en(latin))
    return tuple(out)


def reset_translations() -> None:
    """Forget the Ukrainian -> Russian table and the terms made with it (after the dictionary setting
    changes: tests, or a dictionary installed into a running process)."""
    translation.reset()
    for cached in (_word_terms_in, word_terms, _builtin_fingerprint):
        cached.cache_clear()
    from app.search import highlighting  # its query terms come from this analyser too

    highlighting.clear_cache()


def fingerprint() -> str:
    """A short digest of what decides a text's terms here: ANALYSER_VERSION, the Ukrainian -> Russian
    table (which depends on the installed dictionary) and the staff's synonym groups, if any. An index keeps
    the one it was built with; when they differ, documents and queries are analysed differently and the
    index must be rebuilt (after a change of the groups the outbox does it: outbox.enqueue_resync)."""
    builtin, custom = _builtin_fingerprint(), custom_synonyms.current().digest
    return hashlib.sha1(f"{builtin}+{custom}".encode()).hexdigest()[:12] if custom else builtin


@lru_cache(maxsize=1)
def _builtin_fingerprint() -> str:
    digest = hashlib.sha1(f"otklik-analyser-{ANALYSER_VERSION}".encode())
    for source, targets in sorted(translation.table().items()):
        digest.update(f"{source}>{','.join(targets)};".encode())
    return digest.hexdigest()[:12]


def is_dictionary_word(word: str) -> bool:
    """True when a Russian or Ukrainian dictionary knows the (Cyrillic) word: then it is no typo, even
    if the index does not know it. Latin and other words: False (no dictionary to tell)."""
    parts = _parts(word)
    if not parts:
        return False
    for form, cls in parts:
        if cls in (_STOP, _NUM):
            continue
        if cls not in (_RU, _UK, _BOTH):
            return False
        if cls in (_RU, _UK) and not _known(form, cls):
            return False
    return True


def normalise_word(word: str) -> str:
    """The lowercased, ё→е, apostrophe-normalised form of a raw word (for spelling correction)."""
    return "-".join(form for form, _ in _parts(word)) or word.lower()


@lru_cache(maxsize=100_000)
def word_terms(word: str) -> frozenset[str]:
    """Every term a single word may produce in any context (both languages): for matching in highlight."""
    out: set[str] = set()
    for form, cls in _parts(word):
        if cls in (_BOTH, _NONE):
            lemmas = {t for t in (_lemma(form, "ru"), _lemma(form, "uk")) if t not in _STOP_ALL}
            out.update(lemmas)
            out.update(_stem_en(CYRILLIC_TO_LATIN[t]) for t in lemmas | {form} if t in CYRILLIC_TO_LATIN)
        else:
            out.update(_terms_for(form, cls, None))
    return frozenset(out)


# ---------------------------------------------------------------- text level


def words(text: str) -> list[tuple[int, int, str]]:
    """Raw words of `text` with their character spans: [(start, end, word), ...]."""
    if not text:
        return []
    return [(m.start(), m.end(), m.group()) for m in _WORD_RE.finditer(text)]


def _text_lang(parts_per_word: Iterable[tuple[tuple[str, str], ...]]) -> str | None:
    ru = uk = 0
    for parts in parts_per_word:
        for _, cls in parts:
            if cls == _RU:
                ru += 1
            elif cls == _UK:
                uk += 1
    if ru > uk:
        return "ru"
    if uk > ru:
        return "uk"
    return None


def analyse_spans(text: str, *, max_words: int | None = None, custom: bool = True) -> list[tuple[str, int, int]]:
    """Terms with the span of the word they come from: [(term, start, end), ...]. `custom`: with the staff's
    synonym groups (custom_synonyms.py; a term of a group shares the span of the word it was added to)."""
    if not text:
        return []
    spans = []
    for m in _WORD_RE.finditer(text):
        spans.append((m.start(), m.end(), _parts(m.group())))
        if max_words is not None and len(spans) >= max_words:
            break
    lang = _text_lang(p for _, _, p in spans)
    out = []
    for start, end, parts in spans:
        for term in _word_terms_in(parts, lang):
            out.append((term, start, end))
    return custom_synonyms.expand(out, custom_synonyms.current()) if custom else out


@lru_cache(maxsize=300_000)
def _word_terms_in(parts: tuple[tuple[str, str], ...], lang: str | None) -> tuple[str, ...]:
    if len(parts) == 1:
        return _terms_for(parts[0][0], parts[0][1], lang)
    return tuple(t for form, cls in parts for t in _terms_for(form, cls, lang))


LATIN_SAMPLE_CHARS = 2000


def is_latin_text(text: str) -> bool:
    """Whether a text is written in Latin letters rather than Cyrillic (more Latin than Cyrillic letters in
    its beginning): the texts the English-only sentence encoder (semantic/minilm.py) may embed."""
    sample = (text or "")[:LATIN_SAMPLE_CHARS].lower()
    latin = len(_LAT.findall(sample))
    return latin > 0 and latin > len(_CYR.findall(sample))


def analyse(text: str) -> list[str]:
    """Index terms of `text`, in order, duplicates kept."""
    return [t for t, _, _ in analyse_spans(text)]


def analyse_query(text: str, max_terms: int = 64) -> list[str]:
    """Terms of a user query: the same pipeline as documents, bounded (a 10 kB paste stays cheap)."""
    if not text:
        return []
    text = text[:MAX_QUERY_CHARS]
    terms = [t for t, _, _ in analyse_spans(text, max_words=max_terms * 3)]
    return terms[:max_terms]


LONG_REQUEST_TERMS = 24  # distinct terms from which a suggest query is a whole request, not a title


def _is_number_term(term: str) -> bool:
    """ "15", "2019", "22а", "15/2": a number with at most one letter (house, flat, date, sum)."""
    return any(c.isdigit() for c in term) and sum(c.isalpha() for c in term) <= 1


def is_long_request(spans: list[tuple[str, int, int]]) -> bool:
    """A suggest query that is a whole request (LONG_REQUEST_TERMS distinct terms or more), not a title."""
    return len({t for t, _, _ in spans}) >= LONG_REQUEST_TERMS


def request_spans(spans: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Spans of a long request (is_long_request) without its numbers.

    In a title the numbers are the point ("ошибка 3002"); in a whole request they are its house and flat
    numbers, dates and sums, which say where and when, not what: they match other requests about the same
    building rather than the same problem (kyiv-1551 benchmark: hit@5 +0.5 points, others unchanged)."""
    words_only = [s for s in spans if not _is_number_term(s[0])]
    return words_only or spans


def replace_words(text: str, replacements: list[tuple[int, int, str]]) -> str | None:
    """`text` with the words at (start, end) replaced, in order, and whitespace collapsed: a "did you
    mean" line. None when nothing is replaced or it reads the same as `text` apart from case."""
    if not replacements:
        return None
    out, pos = [], 0
    for start, end, word in replacements:
        out.append(text[pos:start])
        out.append(word)
        pos = end
    out.append(text[pos:])
    suggestion = " ".join("".join(out).split())
    return suggestion if suggestion.lower() != " ".join(text.split()).lower() else None
