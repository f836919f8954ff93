"""Suggest results cached by what the request means to the index, so recurring questions cost one lookup.

Key: the analysed terms of the title and of the body (so "Не приходит СМС!" and "не приходят смс" share an
entry), the scope (staff; a signed-in customer, who also sees their own private items; a visitor), the
limit and the index version. The version changes whenever the outbox applied something or the index was
rebuilt (`bump()`), so a new or changed topic is visible to the very next suggest: old entries are never
read again and expire (TTL_SECONDS). The hits are cached, not the presented items: visibility is re-checked
against the database for every request, as without the cache.

With REDIS_URL the cache and the version are shared by every process (the version is a Redis counter,
incremented by the process that applied the outbox, after its commit); without it each process keeps a small
LRU whose version is bumped by its own drains, and entries live at most LOCAL_TTL_SECONDS (another process's
write shows within that time). On by default (SEARCH_SUGGEST_CACHE=0 turns it off).

A process that reads a version it has not seen yet first drops what it memoised about the index (`_observe`):
ranking with a memo taken before the write (the PostgreSQL backend keeps the document count for STATS_TTL;
0 before the first topic means "nothing can match") and caching that under the new version hid a new topic
from every node but the writer until the next write (issue 16: tests/ops/test_two_nodes.py with the cache on).
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

from app.search import analysis
from app.search.documents import Hit, Scope

log = logging.getLogger(__name__)
TTL_SECONDS = 600
LOCAL_TTL_SECONDS = 5.0
LOCAL_MAX = 5000
_EXT = "otklik.suggest_cache_redis"

_lock = threading.Lock()
_LOCAL = "otklik.suggest_cache_local"


def _local() -> dict:
    """This process's cache for this app: {"version": int, "entries": OrderedDict}."""
    return current_app.extensions.setdefault(_LOCAL, {"version": 0, "entries": OrderedDict()})


def _redis():
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    client = current_app.extensions.get(_EXT)
    if client is None:
        import redis

        client = current_app.extensions[_EXT] = redis.Redis.from_url(
            url, socket_timeout=0.5, socket_connect_timeout=0.5
        )
    return client


def enabled() -> bool:
    return bool(current_app.config.get("SEARCH_SUGGEST_CACHE", True))


def bump() -> None:
    """The index changed: every cached suggest result is out of date."""
    if not has_app_context():
        return
    local = _local()
    with _lock:
        local["version"] += 1
        local["entries"].clear()
    client = _redis()
    if client is not None:
        try:
            client.incr(_version_key())
        except Exception as error:  # the entries expire anyway; say so
            log.warning("search: could not bump the suggest cache version in Redis (%s)", error)


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
        try:
            return _from_redis(client, title, body, scope, limit, compute)
        except Exception as error:
            log.warning("search: suggest cache unavailable (%s)", error)
            return compute()
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


def _observe(version: bytes) -> None:
    """The shared version moved since this process last looked: another process (the worker) wrote the index.
    What this process memoised about the index is dropped before ranking under the new version, else a result
    ranked from stale memos (the PostgreSQL backend's document count, 0 before the first topic, kept for
    STATS_TTL seconds; the semantic model) would be cached under the new version until the next write."""
    local = _local()
    if local.get("seen") == version:
        return
    from app.search.backends import get_backend
    from app.search.semantic import store

    get_backend().index_changed()
    store.recheck_model()
    local["seen"] = version


def _from_redis(client, title, body, scope, limit, compute) -> list[Hit]:
    version = client.get(_version_key()) or b"0"
    _observe(version)
    key = _key(title, body, scope, limit, version.decode())
    raw = client.get(key)
    if raw is not None:
        return [Hit(kind=k, id=i, score=s) for k, i, s in json.loads(raw)]
    hits = _single_flight(key, compute)
    client.set(key, json.dumps([[h.kind, h.id, h.score] for h in hits]), ex=TTL_SECONDS)
    return hits
