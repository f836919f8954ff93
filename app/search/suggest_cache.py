"""Suggest results cached by what the request means to the index, so recurring questions cost one lookup.

Key: the analysed terms of the title and of the body (so "Не приходит СМС!" and "не приходят смс" share an
entry), the scope (staff; a signed-in customer, who also sees their own private items; a visitor), the
limit and the index version. The version changes whenever the outbox applied something or the index was
rebuilt (`bump()`), so a new or changed topic is visible to the very next suggest: old entries are never
read again and expire (TTL_SECONDS). The hits are cached, not the presented items: visibility is re-checked
against the database for every request, as without the cache.

With REDIS_URL the cache and the version are shared by every process (the version is a Redis counter);
without it each process keeps a small LRU whose version is bumped by its own drains, and entries live
at most LOCAL_TTL_SECONDS (another process's write shows within that time). Off by default (SEARCH_SUGGEST_CACHE=1 turns it on): in the two-node test a new topic
was not suggested on the other node within 2 s with it on; see issue 16.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from flask import current_app, has_app_context

from app.common import redis_conn
from app.search import analysis
from app.search.documents import Hit, Scope

log = logging.getLogger(__name__)
TTL_SECONDS = 600
LOCAL_TTL_SECONDS = 5.0
LOCAL_MAX = 5000
_MISSED = "otklik.suggest_cache_missed"

_lock = threading.Lock()
_LOCAL = "otklik.suggest_cache_local"


def _local() -> dict:
    """This process's cache for this app: {"version": int, "entries": OrderedDict}."""
    return current_app.extensions.setdefault(_LOCAL, {"version": 0, "entries": OrderedDict()})


def _redis():
    """The shared client while Redis is usable (app/common/redis_conn.py), else None: the per-process cache."""
    return redis_conn.available()


def enabled() -> bool:
    return bool(current_app.config.get("SEARCH_SUGGEST_CACHE", False))


def bump() -> None:
    """The index changed: every cached suggest result is out of date."""
    if not has_app_context():
        return
    local = _local()
    with _lock:
        local["version"] += 1
        local["entries"].clear()
    if current_app.config.get("REDIS_URL"):
        key = _version_key()
        if redis_conn.call("suggest cache", lambda r: r.incr(key)) is None:  # logged once per outage
            current_app.extensions[_MISSED] = True  # bumped again once Redis answers (see cached_hits)


_flights: dict[str, tuple[threading.Event, list]] = {}
FLIGHT_WAIT_SECONDS = 2.0


def _single_flight(key: str, compute: Callable[[], list[Hit]]) -> list[Hit]:
    """Identical requests that miss at the same moment (customers typing the same recurring question) are
    ranked once in this process: the others wait for that result (at most FLIGHT_WAIT_SECONDS)."""
    with _lock:
        flight = _flights.get(key)
        leader = flight is None
        if leader:
            flight = _flights[key] = (threading.Event(), [])
    event, result = flight
    if not leader:
        if event.wait(FLIGHT_WAIT_SECONDS) and result:
            return list(result[0])
        return compute()
    try:
        hits = compute()
        result.append(hits)
        return hits
    finally:
        event.set()
        with _lock:
            _flights.pop(key, None)


def _key(title: str, body: str, scope: Scope, limit: int, version) -> str:
    meaning = "m" if current_app.config.get("SEARCH_SEMANTIC", True) else "w"
    who = "staff" if scope.is_staff else (f"u{scope.user_id}" if scope.user_id is not None else "anon")
    terms = " ".join(analysis.analyse_query(title)) + "\n" + " ".join(analysis.analyse_query(body))
    digest = hashlib.sha1(terms.encode()).hexdigest()
    prefix = current_app.config.get("SEARCH_CACHE_PREFIX", "otklik")
    return f"{prefix}:suggest:{version}:{meaning}:{who}:{limit}:{digest}"


def cached_hits(title: str, body: str, scope: Scope, limit: int, compute: Callable[[], list[Hit]]) -> list[Hit]:
    if not enabled():
        return compute()
    client = _redis()
    if client is not None:
        return _from_redis(client, title, body, scope, limit, compute)
    local = _local()
    key = _key(title, body, scope, limit, local["version"])
    entries = local["entries"]
    now = time.monotonic()
    with _lock:
        entry = entries.get(key)
        if entry is not None and now - entry[0] < LOCAL_TTL_SECONDS:
            entries.move_to_end(key)
            return list(entry[1])
    hits = _single_flight(key, compute)
    with _lock:
        entries[key] = (now, list(hits))
        while len(entries) > LOCAL_MAX:
            entries.popitem(last=False)
    return hits


def _version_key() -> str:
    return f"{current_app.config.get('SEARCH_CACHE_PREFIX', 'otklik')}:search:version"


def _from_redis(client, title, body, scope, limit, compute) -> list[Hit]:
    """Through the shared cache; while Redis does not answer, straight from the index (never an error)."""
    if current_app.extensions.get(_MISSED):  # a bump was lost while Redis was away: entries may be stale
        if redis_conn.call("suggest cache", lambda r: r.incr(_version_key())) is None:
            return compute()
        current_app.extensions[_MISSED] = False
    version = redis_conn.call("suggest cache", lambda r: r.get(_version_key()) or b"0")
    if version is None:
        return compute()
    key = _key(title, body, scope, limit, version.decode())
    raw = redis_conn.call("suggest cache", lambda r: r.get(key))
    if raw is not None:
        return [Hit(kind=k, id=i, score=s) for k, i, s in json.loads(raw)]
    hits = _single_flight(key, compute)
    if redis_conn.usable():
        payload = json.dumps([[h.kind, h.id, h.score] for h in hits])
        redis_conn.call("suggest cache", lambda r: r.set(key, payload, ex=TTL_SECONDS))
    return hits
