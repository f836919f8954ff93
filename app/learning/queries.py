"""Reads: the phrasings of a thread (staff pages) and what the index holds of them ("also asked as")."""

import threading
from collections import Counter

from flask import current_app
from sqlalchemy import func, select

from app.extensions import db
from app.learning.models import Phrasing
from app.learning.text import terms

# A word found in the phrasings of more than this share of the threads that have phrasings (and of at least
# COMMON_MIN_THREADS of them) says how customers write ("hello", "please", "dear administration"), not what
# they ask about: it is not indexed. (Left in, a greeting rare in the threads' own text would pull every
# greeting query towards the threads that happen to have phrasings.)
COMMON_SHARE = 0.1
COMMON_MIN_THREADS = 5

_common_cache: dict = {}
_common_lock = threading.Lock()


def for_thread(kind: str, ref_id: int) -> list[Phrasing]:
    """Every phrasing of the thread, confirmed first, then by customers (one query)."""
    return db.session.scalars(
        select(Phrasing)
        .where(Phrasing.kind == kind, Phrasing.ref_id == ref_id)
        .order_by(Phrasing.confirmed.desc(), Phrasing.customers.desc(), Phrasing.id)
    ).all()


def load(phrasing_id: int, kind: str, ref_id: int) -> Phrasing | None:
    return db.session.scalar(
        select(Phrasing).where(Phrasing.id == phrasing_id, Phrasing.kind == kind, Phrasing.ref_id == ref_id)
    )


def common_terms(session, kind: str) -> frozenset:
    """Words of the confirmed phrasings of `kind` that are in too many threads' phrasings (see COMMON_SHARE).
    Recomputed when the confirmed phrasings change (a count and the latest confirmation are checked)."""
    confirmed = (Phrasing.kind == kind, Phrasing.confirmed.is_(True))
    stamp = session.execute(
        select(func.count(), func.max(Phrasing.confirmed_at), func.max(Phrasing.id)).where(*confirmed)
    ).one()
    with _common_lock:
        cached = _common_cache.get(kind)
        if cached is not None and cached[0] == tuple(stamp):
            return cached[1]
    threads: dict[int, set[str]] = {}
    for ref_id, words in session.execute(select(Phrasing.ref_id, Phrasing.terms).where(*confirmed)):
        threads.setdefault(ref_id, set()).update((words or "").split())
    counts = Counter(word for words in threads.values() for word in words)
    limit = max(COMMON_MIN_THREADS, COMMON_SHARE * len(threads))
    common = frozenset(word for word, n in counts.items() if n > limit)
    with _common_lock:
        _common_cache[kind] = (tuple(stamp), common)
    return common


def also_asked(session, kind: str, ids: list[int], known: dict[int, str]) -> dict[int, str]:
    """{id: "also asked as" text}: the words that the confirmed phrasings of each thread add to it, strongest
    phrasing first (approved by staff, then by customers). A word already in `known` (the title...) or in a
    stronger phrasing, or common to many threads' phrasings, is left out; at most PHRASINGS_INDEXED
    phrasings and PHRASINGS_INDEXED_TERMS words per thread: a thread that many people found gains the words
    they used, not a longer and longer text that matches anything."""
    if not ids:
        return {}
    rows = session.execute(
        select(Phrasing.ref_id, Phrasing.terms)
        .where(Phrasing.kind == kind, Phrasing.ref_id.in_(ids), Phrasing.confirmed.is_(True))
        .order_by(Phrasing.ref_id, Phrasing.approved_by_id.is_(None), Phrasing.customers.desc(), Phrasing.id)
    ).all()
    if not rows:
        return {}
    common = common_terms(session, kind)
    max_phrasings = int(current_app.config["PHRASINGS_INDEXED"])
    max_terms = int(current_app.config["PHRASINGS_INDEXED_TERMS"])
    kept: dict[int, list[str]] = {}
    used: dict[int, int] = {}
    seen: dict[int, set[str]] = {}
    for ref_id, words in rows:
        if ref_id not in seen:
            seen[ref_id], kept[ref_id], used[ref_id] = set(terms(known.get(ref_id, ""))) | common, [], 0
        new = [w for w in dict.fromkeys((words or "").split()) if w not in seen[ref_id]]
        if not new or used[ref_id] >= max_phrasings:
            continue
        new = new[: max_terms - sum(len(k) for k in kept[ref_id])]
        if not new:
            continue
        kept[ref_id].append(new)
        used[ref_id] += 1
        seen[ref_id].update(new)
    return {ref_id: "\n".join(" ".join(words) for words in lists) for ref_id, lists in kept.items() if lists}
