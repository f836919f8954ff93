"""The staff's synonym groups for search (/admin/synonyms): kept in the settings store under "search_synonyms"
({"groups": [[phrase, ...], ...]}), compiled for the analyser (app/search/custom_synonyms.py) and, after every
change, applied to the whole index in the background (search outbox: outbox.enqueue_resync).

The built-in lists (app/search/synonyms.py: Ukrainian -> Russian words, Cyrillic/Latin spellings such as
смс/SMS) always apply; these groups come on top of them."""

import hashlib
import re

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.branding import store
from app.branding.models import Setting
from app.common.errors import DomainError, NotFound
from app.extensions import db
from app.search import analysis, custom_synonyms, outbox
from app.search.synonyms import CYRILLIC_TO_LATIN

KEY = "search_synonyms"
MAX_GROUPS = 500
MAX_PHRASES = 10
MAX_PHRASE_CHARS = 60
MAX_PHRASE_WORDS = 5
_SPLIT = re.compile(r"\s*=\s*")
_COMPILED = "otklik.search_synonyms_compiled"


def group_id(phrases: list[str]) -> str:
    """A stable id for a saved group (the remove button names it; two admins cannot remove the wrong one)."""
    return hashlib.sha1("\n".join(phrases).encode()).hexdigest()[:10]


def builtin_pairs() -> list[tuple[str, str]]:
    """The built-in Cyrillic/Latin spellings (shown read-only beside the staff's groups), by Latin word."""
    return sorted(CYRILLIC_TO_LATIN.items(), key=lambda pair: (pair[1], pair[0]))


def saved_groups() -> list[list[str]]:
    return [list(group) for group in store.read(KEY)[1].get("groups", [])]


def _groups_to_change() -> list[list[str]]:
    """The saved groups, their row locked until the transaction ends (PostgreSQL): two administrators saving
    at once both keep their change (SQLite writes one transaction at a time anyway)."""
    row = db.session.get(Setting, KEY, with_for_update=True, populate_existing=True)
    return [list(group) for group in (row.value or {}).get("groups", [])] if row is not None else []


def _compiled(version: int, value: dict) -> custom_synonyms.Compiled:
    """Compiled once per saved version and process (drains ask for it after every commit)."""
    cache = current_app.extensions.get(_COMPILED)
    if cache is None or cache[0] != version:
        cache = current_app.extensions[_COMPILED] = (version, custom_synonyms.compile_groups(value.get("groups", [])))
    return cache[1]


def current() -> custom_synonyms.Compiled:
    """For requests: one version check per request (store.cached)."""
    return store.cached(KEY, _compiled)


def load(session) -> custom_synonyms.Compiled:
    """For drains, on their own session."""
    row = session.get(Setting, KEY)
    return _compiled(row.version, row.value or {}) if row is not None else custom_synonyms.EMPTY


def parse(text: str) -> list[str]:
    """ "ипотека = жилищный кредит" -> the phrases, tidied and checked (DomainError on the field "phrases")."""
    phrases, seen = [], set()
    for raw in _SPLIT.split((text or "").strip()):
        phrase = " ".join(raw.split())
        if not phrase:
            continue
        if len(phrase) > MAX_PHRASE_CHARS or len(phrase.split()) > MAX_PHRASE_WORDS:
            raise DomainError(
                _l(
                    "«%(phrase)s» is too long: a phrase has at most %(words)d words and %(chars)d characters.",
                    phrase=phrase if len(phrase) <= MAX_PHRASE_CHARS else phrase[:MAX_PHRASE_CHARS] + "…",
                    words=MAX_PHRASE_WORDS,
                    chars=MAX_PHRASE_CHARS,
                ),
                field="phrases",
            )
        terms = tuple(t for t, _, _ in analysis.analyse_spans(phrase, custom=False))
        if not terms:
            raise DomainError(
                _l("«%(phrase)s» has no word search can use (only short or very common words).", phrase=phrase),
                field="phrases",
            )
        if terms not in seen:
            seen.add(terms)
            phrases.append(phrase)
    if len(phrases) < 2:
        raise DomainError(
            _l('Write at least two phrases that mean the same, separated by "=", for example: mortgage = home loan.'),
            field="phrases",
        )
    if len(phrases) > MAX_PHRASES:
        raise DomainError(_l("A group has at most %(n)d phrases.", n=MAX_PHRASES), field="phrases")
    return phrases


def add_group(actor, text: str) -> list[str]:
    """Save a new group and queue the re-analysis of the index; returns its phrases."""
    phrases = parse(text)
    groups = _groups_to_change()
    if len(groups) >= MAX_GROUPS:
        raise DomainError(_l("There are %(n)d groups already: remove one first.", n=MAX_GROUPS), field="phrases")
    if any(sorted(p.lower() for p in group) == sorted(p.lower() for p in phrases) for group in groups):
        raise DomainError(_l("This group is in the list already."), field="phrases")
    _save(actor, [*groups, phrases])
    return phrases


def remove_group(actor, wanted_id: str) -> list[str]:
    groups = _groups_to_change()
    kept = [group for group in groups if group_id(group) != wanted_id]
    if len(kept) == len(groups):
        raise NotFound(_l("This synonym group is not in the list (removed already?)."))
    _save(actor, kept)
    return next(group for group in groups if group_id(group) == wanted_id)


def _save(actor, groups: list[list[str]]) -> None:
    store.write(KEY, {"groups": groups}, actor)
    outbox.enqueue_resync()
