"""Synonym groups the staff add in /admin/synonyms, on top of the built-in lists of synonyms.py.

A group is two or more phrases that mean the same ("ипотека = жилищный кредит"). Each phrase is analysed
like any text (lemmas, ё→е, stop words dropped), and wherever a text's words match a phrase's words in
order, the analyser adds the group's own term (`syn` + a digest of the group) to each of those words. A
document and a query that use different phrases of one group then share that term: "ипотека" finds
"жилищный кредит" and the other way round, on every backend, while "кредит" alone still means "кредит".

Where the groups come from is not this module's business (search is core, the list is kept by a feature):
a feature registers a source with `register(app, current=..., load=...)`:
    current() -> Compiled               for requests (cheap, cached; may use db.session)
    load(session) -> Compiled           for outbox drains, which run after a commit on their own session
Without a source (or outside an application) there are no custom groups.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import current_app, g, has_app_context

_SOURCE = "otklik.search_synonyms"
_PINNED = "_otklik_search_synonyms"
TERM_PREFIX = "syn"  # + 10 hex digits of the group's digest: a real word spelt like that is not to be expected


@dataclass(frozen=True)
class Compiled:
    """Groups ready for matching: first-word term -> [(phrase as a tuple of term sets, group term)]."""

    by_first: dict = field(default_factory=dict)
    digest: str = ""  # "" when there are no groups (the analyser's fingerprint is then the built-in one)

    def __bool__(self) -> bool:
        return bool(self.by_first)


EMPTY = Compiled()


def _phrase_words(phrase: str) -> tuple[frozenset[str], ...]:
    """The phrase's words as sets of terms (the analyser's, without custom groups): one set per word."""
    from app.search import analysis

    words: dict[tuple[int, int], set[str]] = {}
    for term, start, end in analysis.analyse_spans(phrase, custom=False):
        words.setdefault((start, end), set()).add(term)
    return tuple(frozenset(terms) for _, terms in sorted(words.items()))


def group_term(phrases: list[tuple[frozenset[str], ...]]) -> str:
    key = "|".join(sorted(" ".join(",".join(sorted(w)) for w in phrase) for phrase in phrases))
    return TERM_PREFIX + hashlib.sha1(key.encode()).hexdigest()[:10]


def compile_groups(groups: list[list[str]]) -> Compiled:
    """Compile phrase groups (as saved) for matching; phrases that analyse to nothing are skipped."""
    by_first: dict[str, list] = {}
    digests = []
    for phrases in groups:
        analysed = [words for words in (_phrase_words(p) for p in phrases) if words]
        if len(analysed) < 2:
            continue
        term = group_term(analysed)
        digests.append(term)
        for words in analysed:
            for first in words[0]:
                by_first.setdefault(first, []).append((words, term))
    return Compiled(by_first, ",".join(sorted(digests)))


def register(app, *, current: Callable[[], Compiled], load: Callable[[object], Compiled]) -> None:
    app.extensions[_SOURCE] = (current, load)


def current() -> Compiled:
    if not has_app_context():
        return EMPTY
    pinned = g.get(_PINNED)
    if pinned is not None:
        return pinned
    source = current_app.extensions.get(_SOURCE)
    return source[0]() if source is not None else EMPTY


@contextmanager
def read_with(session):
    """Analyse with the groups as committed, read with `session` (outbox drains and reindexing run on
    their own session, after the request's commit, when db.session may not be used)."""
    source = current_app.extensions.get(_SOURCE) if has_app_context() else None
    if source is None:
        yield
        return
    before = g.get(_PINNED)
    setattr(g, _PINNED, source[1](session))
    try:
        yield
    finally:
        setattr(g, _PINNED, before)


def expand(spans: list[tuple[str, int, int]], groups: Compiled) -> list[tuple[str, int, int]]:
    """`spans` (term, start, end) with the group term added to every word of every phrase found in order."""
    if not groups or not spans or groups.by_first.keys().isdisjoint([t for t, _, _ in spans]):
        return spans
    words: list[tuple[int, int, set[str]]] = []  # consecutive spans of one source word are one word
    for term, start, end in spans:
        if words and words[-1][0] == start and words[-1][1] == end:
            words[-1][2].add(term)
        else:
            words.append((start, end, {term}))
    extra: dict[int, list[str]] = {}
    for i, (_, _, terms) in enumerate(words):
        for first in terms & groups.by_first.keys():
            for phrase, term in groups.by_first[first]:
                n = len(phrase)
                if i + n <= len(words) and all(phrase[k] & words[i + k][2] for k in range(n)):
                    for k in range(i, i + n):
                        if term not in extra.setdefault(k, []) and term not in words[k][2]:
                            extra[k].append(term)
    if not extra:
        return spans
    out = []
    index = -1
    previous = None
    for term, start, end in spans:
        if (start, end) != previous:
            if index in extra:
                out.extend((t, *words[index][:2]) for t in extra[index])
            index += 1
            previous = (start, end)
        out.append((term, start, end))
    if index in extra:
        out.extend((t, *words[index][:2]) for t in extra[index])
    return out
