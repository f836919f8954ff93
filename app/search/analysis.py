"""The one analyser pipeline for documents and queries, shared by every search backend.

    text -> words (Unicode letters/digits; inner hyphens and apostrophes, incl. Ukrainian ’ ʼ ')
         -> lowercase, NFC, stress marks removed, ё→е
         -> per word: Russian / Ukrainian lemma (pymorphy3), English Snowball stem, digits as they are
         -> Ukrainian lemmas with a Russian equivalent become it: our own list (synonyms.py: картка -> карта),
            the Apertium rus-ukr dictionary when installed (bilingual.py: опалення -> отопление), else a
            Russian cognate the Russian dictionary knows (горіти -> гореть)
         -> apostrophes dropped from terms, stop words dropped (stopwords.py)

Language per Cyrillic word: і ї є ґ or an apostrophe → Ukrainian; ы э ъ ё → Russian; otherwise the word
is looked up in both dictionaries. A word only one dictionary knows goes to that language; a word both
(or neither) know follows the language of the surrounding text (majority of the words that decided);
when the text gives no majority, both lemmas are emitted if they differ, so a short query still meets a
document in either language. Words longer than MAX_WORD_CHARS are kept (cut) as they are.

Speed: the morphological analysers are created once, lazily (~1 s for both dictionaries); every word's
analysis is cached (lru_cache), so warm text costs a few microseconds per word and a typed query well
under a millisecond; a cold word costs ~0.1-0.3 ms (pymorphy3).

Public API (stable; both backends and the service layer rely on it):
    analyse(text) -> list[str]                              terms in order, duplicates kept
    analyse_query(text, max_terms=64) -> list[str]          same pipeline, bounded input
    analyse_spans(text) -> list[(term, start, end)]         terms with the span of their source word
    words(text) -> list[(start, end, word)]                 raw words with positions (highlighting)
    highlight(text, query, max_chars=240) -> str            safe HTML snippet, matches in <mark>
    typo_budget(term) -> int                                allowed edits for a term (0, 1 or 2)
    edit_distance(a, b, limit) -> int                       Damerau (OSA) distance, capped at limit+1
    correct_term(term, candidates, freq=None) -> str|None   best vocabulary term within typo_budget
    is_dictionary_word(word) -> bool                        a ru/uk dictionary knows it (so: no typo)
    normalise_word(word) -> str                             lowercase, ё→е, normalised apostrophes
    dictionary_corrections(word) -> tuple[str, ...]         dictionary words one edit away (ru/uk)
    replace_words(text, [(start, end, word)]) -> str|None   a "did you mean" line from word corrections
    is_long_request(spans), request_spans(spans)            a suggest query that is a whole request
    fingerprint() -> str                                    what an index must have been analysed with
"""
from __future__ import annotations

import hashlib
import html
import re
import threading
import unicodedata
from functools import lru_cache
from typing import Callable, Iterable, Mapping

from app.search.stopwords import ALL as _STOP_ALL, EN as _STOP_EN

__all__ = ["analyse", "analyse_query", "analyse_spans", "words", "highlight", "typo_budget",
           "edit_distance", "correct_term", "word_terms", "is_dictionary_word", "normalise_word",
           "dictionary_corrections", "is_long_request", "request_spans", "fingerprint", "replace_words",
           "MAX_QUERY_CHARS", "LONG_REQUEST_TERMS"]

# A word: letters/digits (plus combining marks, e.g. stress accents), joined by inner hyphens or apostrophes.
# Apostrophes seen inside Ukrainian words: ' ’ ʼ ‘ ` ” ′ ʹ (typed with whatever the keyboard offers).
_WORD_RE = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+"
                      r"(?:[-\u2010\u2011'\u2019\u02bc\u2018`\u201d\u2032\u02b9](?:[^\W_]|[\u0300-\u036f])+)*")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2018": "'", "`": "'", "\u201d": "'",
                              "\u2032": "'", "\u02b9": "'", "\u2010": "-", "\u2011": "-", "ё": "е"})
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
ANALYSER_VERSION = 2

# ---------------------------------------------------------------- morphology (lazy, created once)

_lock = threading.Lock()
_morph: dict[str, object] = {}
_local = threading.local()


def _analyzer(lang: str):
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
def _lemma(word: str, lang: str) -> str:
    """Lemma of a lowercase Cyrillic word in `lang` ("ru" or "uk"), ё→е."""
    parses = _analyzer(lang).parse(word)
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
def _known(word: str, lang: str) -> bool:
    return _analyzer(lang).word_is_known(word)


@lru_cache(maxsize=100_000)
def _stem_en(word: str) -> str:
    if word.endswith("'s"):
        word = word[:-2]
    return _stemmer().stemWord(word.replace("'", ""))


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
    out: list[tuple[str, str]] = []
    for part in w.split("-"):
        if not part:
            continue
        has_cyr = bool(_CYR.search(part))
        has_lat = bool(_LAT.search(part))
        if has_cyr and has_lat:  # mixed keyboard layout: convert to the majority script when possible
            n_cyr = len(_CYR.findall(part))
            n_lat = len(_LAT.findall(part))
            conv = part.translate(_LAT2CYR) if n_cyr >= n_lat else part.translate(_CYR2LAT)
            if not (_CYR.search(conv) and _LAT.search(conv)):
                part = conv
                has_cyr, has_lat = n_cyr >= n_lat, n_cyr < n_lat
        if has_cyr and has_lat or (any(c.isdigit() for c in part) and (has_cyr or has_lat)):
            out.append((part.replace("'", ""), _MIXED))
            continue
        if not has_cyr and not has_lat:
            if part.isdigit() or any(c.isdigit() for c in part):
                out.append((part, _NUM))
            else:  # another script (Greek, CJK, ...): keep the form as is
                out.append((part.replace("'", ""), _MIXED if len(part) > 1 else _STOP))
            continue
        bare = part.replace("'", "")
        if len(bare) < 2 or part in _STOP_ALL:
            out.append((part, _STOP))
            continue
        if has_lat:
            out.append((part, _STOP if part in _STOP_EN else _LATIN))
            continue
        chars = set(part)
        if "'" in part or chars & _UK_ONLY:
            out.append((part, _UK))
        elif chars & _RU_ONLY or "ё" in raw.lower():
            out.append((part, _RU))
        else:
            ru, uk = _known(part, "ru"), _known(part, "uk")
            out.append((part, _BOTH if ru and uk else _RU if ru else _UK if uk else _NONE))
    if len(out) > 1 and all(cls in (_LATIN, _STOP) for _, cls in out) and _LAT.search(w):
        joined = "".join(f for f, _ in out).replace("'", "")  # e-mail, wi-fi: also "email", "wifi"
        if joined not in _STOP_ALL:
            out.append((joined, _LATIN))
    return tuple(out)


def _terms_for(form: str, cls: str, lang: str | None) -> tuple[str, ...]:
    """Terms of one word part; `lang` is the text's language for ambiguous words (None: undecided)."""
    if cls == _STOP:
        return ()
    if cls == _NUM or cls == _MIXED:
        return (form,)
    if cls == _LATIN:
        return (_stem_en(form),)
    # (lemma, its language): only Ukrainian lemmas are translated, so a Russian word that happens to be
    # spelt like a Ukrainian one ("час": hour / time) keeps its own meaning
    if cls == _RU or cls == _UK:
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
    syn = _synonyms()
    out = []
    for t, t_lang in lemmas:
        t = t.replace("'", "")
        for t in ((syn.get(t) or _russian_cognate(t)) if t_lang == "uk" else (t,)):
            if t not in _STOP_ALL and len(t) > 1 and t not in out:
                out.append(t)
    return tuple(out)


# A Ukrainian lemma no dictionary pairs is often spelt like its Russian cognate with regular letter changes
# (горіти/гореть, кіт/кот, вибір/выбор): candidates are tried against the Russian dictionary.
_COGNATE_LETTERS = {"і": ("и", "е", "о"), "и": ("ы", "и"), "ї": ("и",), "є": ("е",), "ґ": ("г",)}
_COGNATE_ENDINGS = (("тися", "ться"), ("ти", "ть"))
_MAX_COGNATE_CANDIDATES = 48


@lru_cache(maxsize=100_000)
def _russian_cognate(uk_lemma: str) -> tuple[str, ...]:
    """(Russian lemma,) of a Ukrainian lemma's cognate the Russian dictionary knows, else (uk_lemma,)."""
    if len(uk_lemma) < 4 or uk_lemma in _false_friends() or _known(uk_lemma, "ru"):
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
        if cand != uk_lemma and _known(cand, "ru"):
            return (_lemma(cand, "ru"),)
    return (uk_lemma,)


@lru_cache(maxsize=1)
def _false_friends() -> frozenset[str]:
    from app.search.synonyms import FALSE_FRIENDS
    return frozenset(FALSE_FRIENDS)


_SYN: dict[str, tuple[str, ...]] | None = None
_syn_lock = threading.Lock()


def _synonyms() -> dict[str, tuple[str, ...]]:
    """Ukrainian lemma -> Russian lemma, built once with the analysers themselves: the installed Apertium
    dictionary (bilingual.py), then our own list (synonyms.UK_TO_RU), which wins where both have a word."""
    global _SYN
    if _SYN is None:
        with _syn_lock:
            if _SYN is None:
                _SYN = _build_synonyms()
    return _SYN


def reset_translations() -> None:
    """Forget the Ukrainian -> Russian table and the terms made with it (after the dictionary setting
    changes: tests, or a dictionary installed into a running process)."""
    global _SYN
    with _syn_lock:
        _SYN = None
        for cached in (_word_terms_in, word_terms, _highlight_terms, _russian_cognate, fingerprint):
            cached.cache_clear()


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """A short digest of what decides a text's terms here: ANALYSER_VERSION and the Ukrainian -> Russian
    table (which depends on the installed dictionary). An index keeps the one it was built with; when
    they differ, documents and queries are analysed differently and the index must be rebuilt."""
    digest = hashlib.sha1(f"otklik-analyser-{ANALYSER_VERSION}".encode())
    for source, targets in sorted(_synonyms().items()):
        digest.update(f"{source}>{','.join(targets)};".encode())
    return digest.hexdigest()[:12]


def _build_synonyms() -> dict[str, tuple[str, ...]]:
    from app.search.bilingual import load_pairs
    from app.search.synonyms import UK_TO_RU
    pairs = list(load_pairs().items()) + [(uk, [ru]) for uk, ru in UK_TO_RU.items()]
    table: dict[str, tuple[str, ...]] = {}
    for uk_word, ru_words in pairs:
        src = _lemma(uk_word.lower().replace("'", ""), "uk").replace("'", "")
        if src in _STOP_ALL:
            continue
        dst = _lemma(ru_words[0].lower(), "ru").replace("'", "")
        if dst != src and dst not in _STOP_ALL:
            table[src] = (dst,)
    return table


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
            out.update(t for t in (_lemma(form, "ru"), _lemma(form, "uk")) if t not in _STOP_ALL)
        else:
            out.update(_terms_for(form, cls, None))
    return frozenset(out)


@lru_cache(maxsize=512)
def _highlight_terms(query: str) -> frozenset[str]:
    out: set[str] = set()
    for _, _, w in words(query)[:200]:
        out |= word_terms(w)
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


def analyse_spans(text: str, *, max_words: int | None = None) -> list[tuple[str, int, int]]:
    """Terms with the span of the word they come from: [(term, start, end), ...]."""
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
    return out


@lru_cache(maxsize=300_000)
def _word_terms_in(parts: tuple[tuple[str, str], ...], lang: str | None) -> tuple[str, ...]:
    if len(parts) == 1:
        return _terms_for(parts[0][0], parts[0][1], lang)
    return tuple(t for form, cls in parts for t in _terms_for(form, cls, lang))


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


LONG_REQUEST_TERMS = 24   # distinct terms from which a suggest query is a whole request, not a title


def _is_number_term(term: str) -> bool:
    """"15", "2019", "22а", "15/2": a number with at most one letter (house, flat, date, sum)."""
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


# ---------------------------------------------------------------- highlighting

_WS_RE = re.compile(r"\s+")


def _esc(s: str) -> str:
    return html.escape(_WS_RE.sub(" ", s), quote=True)


def highlight(text: str, query: str, max_chars: int = 240, *, scan_chars: int = 20_000) -> str:
    """A safe-HTML snippet of `text` around the best cluster of words matching `query`.

    Matching is by analysed term, so "карты" marks "карта". Everything is HTML-escaped; the only tags
    in the output are <mark>…</mark>. "…" marks where the text was cut.
    """
    text = text or ""
    if not text.strip():
        return ""
    cut_tail = len(text) > scan_chars
    body = text[:scan_chars]
    ws = words(body)
    qterms = _highlight_terms((query or "")[:MAX_QUERY_CHARS])
    matched: list[tuple[int, frozenset]] = []  # (word index, matched terms)
    for i, (_, _, w) in enumerate(ws):
        hit = word_terms(w) & qterms if qterms else set()
        if hit:
            matched.append((i, frozenset(hit)))

    if not matched or max_chars <= 0:
        first, last = 0, _last_word_within(ws, 0, max_chars)
    else:
        best = None
        # two pointers over matched words: the window [matched[i] .. matched[k]] must fit in max_chars
        k = 0
        for i in range(len(matched)):
            start_char = ws[matched[i][0]][0]
            k = max(k, i)
            while k + 1 < len(matched) and ws[matched[k + 1][0]][1] - start_char <= max_chars:
                k += 1
            distinct = len(frozenset().union(*(m[1] for m in matched[i:k + 1])))
            score = (distinct, k - i + 1, -i)
            if best is None or score > best[0]:
                best = (score, i, k)
        _, i, k = best
        first, last = matched[i][0], matched[k][0]
        # some context before the first match (up to a third of the spare room), the rest after
        lead = min((max_chars - (ws[last][1] - ws[first][0])) // 3, 60)
        anchor = ws[first][0]
        while first > 0 and anchor - ws[first - 1][0] <= lead:
            first -= 1
        last = max(last, _last_word_within(ws, first, max_chars))

    if not ws:
        snippet = text[:max_chars]
        return _esc(snippet) + ("…" if len(text) > max_chars else "")
    start = 0 if first == 0 else ws[first][0]
    end = ws[last][1]
    mset = {m[0] for m in matched}
    out = ["…" if start > 0 else ""]
    pos = start
    for idx in range(first, last + 1):
        s, e, w = ws[idx]
        out.append(_esc(text[pos:s]))
        if len(w) > max_chars:  # one enormous "word": show its beginning
            w = w[:max(max_chars, 1)] + "…"
        out.append(f"<mark>{html.escape(w)}</mark>" if idx in mset else html.escape(w))
        pos = e
    tail = text[end:]
    if last == len(ws) - 1 and not cut_tail and len(tail) <= 3:
        out.append(_esc(tail))
    elif tail.strip():
        out.append("…")
    return "".join(out).strip()


def _last_word_within(ws: list[tuple[int, int, str]], first: int, max_chars: int) -> int:
    if not ws:
        return 0
    start = ws[first][0]
    last = first
    while last + 1 < len(ws) and ws[last + 1][1] - start <= max_chars:
        last += 1
    return last


# ---------------------------------------------------------------- typo tolerance

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
        rest = {a + ch + b[1:] for a, b in splits if b for ch in _CYR_ALPHABET} | \
               {a + ch + b for a, b in splits for ch in _CYR_ALPHABET}
        found = [c for c in sorted(rest - {w}) if _known_any(c)]
    return tuple(found[:8])


def _known_any(word: str) -> bool:
    return _known(word, "ru") or _known(word, "uk")


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


def correct_term(term: str, candidates: Iterable[str],
                 freq: Mapping[str, float] | Callable[[str], float] | None = None) -> str | None:
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
