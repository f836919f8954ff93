"""Suggest results cached by what the request means to the index, so recurring questions cost one lookup.

Key: the analysed terms of the title and of the body (so "Не приходит СМС!" and "не приходят смс" share an
entry), the scope (staff; a signed-in customer, who also sees their own private items; a visitor) and the
limit. An entry remembers the index version it was ranked at; the version changes whenever the outbox applied
something or the index was rebuilt (`bump()`). The hits are cached, not the presented items: visibility is
re-checked against the database for every request, as without the cache.

An entry ranked at an older version is still served when the documents changed since then cannot enter it
(the increment check, `_unaffected`): every bump records the analysed terms and keys of the documents it
applied; an entry records the terms its query plans could match and the words its index did not know
(`planning.Reach`). A changed document that shares a term with the entry, is within a typo's edits of an
unknown word, or is one of its hits, makes the entry be ranked again; so does a deletion, a reindex, a batch
of more than MAX_CHANGE_DOCS documents, a missing piece of the change log, or an index that was empty.
Unrelated documents still shift the collection statistics (document count, average lengths) a little: an
entry is carried across versions for at most CARRY_SECONDS after it was ranked (the PostgreSQL backend's
own statistics are kept for 30 s). So a busy community's new topics no longer empty the cache, and a new
topic that can match a request is suggested by the very next request.

With REDIS_URL the cache, the version and the change log are shared by every process (the version is a Redis
counter, incremented by the process that applied the outbox, after its commit); without it each process keeps
a small LRU whose version is bumped by its own drains, and entries live at most LOCAL_TTL_SECONDS (another
process's write shows within that time). On by default (SEARCH_SUGGEST_CACHE=0 turns it off).

A process that reads a version it has not seen yet first drops what it memoised about the index (`_observe`):
ranking with a memo taken before the write (the PostgreSQL backend keeps the document count for STATS_TTL;
0 before the first topic means "nothing can match") and caching that under the new version hid a new topic
from every node but the writer until the next write (issue 16: tests/ops/test_two_nodes.py with the cache on).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from functools import lru_cache

import numpy as np
from flask import current_app, has_app_context

from app.common import redis_conn
from app.search import analysis, planning, typos
from app.search.documents import Hit, Scope, SearchDoc

log = logging.getLogger(__name__)
TTL_SECONDS = 600
CARRY_SECONDS = 30.0
LOCAL_TTL_SECONDS = 5.0
LOCAL_MAX = 5000
MAX_CHANGE_DOCS = 50  # a bigger batch (a bulk load) is recorded as "everything changed"
MAX_CHANGE_STEPS = 100  # versions an entry may be carried across; also how many the log keeps
_MISSED = "otklik.suggest_cache_missed"

_lock = threading.Lock()
_LOCAL = "otklik.suggest_cache_local"


class Change:
    """What one bump applied: the analysed terms and keys of the documents, or everything."""

    def __init__(self) -> None:
        self.terms: set[str] = set()
        self.keys: list[list] = []
        self.everything = False

    def add(self, docs: list[SearchDoc], gone: list) -> None:
        if gone or len(self.keys) + len(docs) > MAX_CHANGE_DOCS:
            self.everything = True  # a removed document's terms are not known any more
        if self.everything:
            return
        for doc in docs:
            self.keys.append([doc.kind, int(doc.id)])
            for text in (doc.title, doc.body, doc.answers, doc.also_asked):
                self.terms.update(analysis.analyse(text or ""))

    def payload(self) -> dict | None:
        return None if self.everything else {"t": sorted(self.terms), "k": self.keys}


def _local() -> dict:
    """This process's cache for this app: version, entries and the log of its own changes."""
    return current_app.extensions.setdefault(
        _LOCAL, {"version": 0, "entries": OrderedDict(), "log": deque(maxlen=MAX_CHANGE_STEPS)}
    )


def _redis():
    """The shared client while Redis is usable (app/common/redis_conn.py), else None: the per-process cache."""
    return redis_conn.available()


def enabled() -> bool:
    return bool(current_app.config.get("SEARCH_SUGGEST_CACHE", True))


def _prefix() -> str:
    return current_app.config.get("SEARCH_CACHE_PREFIX") or redis_conn.prefix()


def _version_key() -> str:
    return f"{_prefix()}:search:version"


def _log_key() -> str:
    return f"{_prefix()}:search:changes"


# One step: the next version and its change, atomically (a reader never sees a version without its change).
_BUMP_SCRIPT = """
local v = redis.call('INCR', KEYS[1])
redis.call('ZADD', KEYS[2], v, v .. ' ' .. ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', v - tonumber(ARGV[2]))
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[3]))
return v
"""


def bump(change: Change | None = None) -> None:
    """The index changed (`change`: what was applied; None: anything may have)."""
    if not has_app_context():
        return
    payload = json.dumps(change.payload() if change is not None else None)
    local = _local()
    with _lock:
        local["version"] += 1
        local["log"].append((local["version"], json.loads(payload)))
    client = _redis()
    if client is not None:
        try:
            client.eval(_BUMP_SCRIPT, 2, _version_key(), _log_key(), payload, MAX_CHANGE_STEPS, TTL_SECONDS)
        except Exception as error:  # logged once per outage; bumped again once Redis answers (see cached_hits)
            redis_conn.failed("suggest cache", error)
            current_app.extensions[_MISSED] = True
    elif current_app.config.get("REDIS_URL"):  # Redis is away: entries may go stale, so bump once it answers
        current_app.extensions[_MISSED] = True


# ---------------------------------------------------------------- the increment check


@lru_cache(maxsize=100_000)
def _near(word: str, unknown: str) -> bool:
    """`word` could be (or become) the typo correction of `unknown` (one edit of leeway for lemmas)."""
    budget = typos.typo_budget(unknown)
    if budget == 0 or abs(len(word) - len(unknown)) > budget + 1:
        return False
    return typos.edit_distance(unknown, word, budget + 1) <= budget + 1


def _unaffected(entry: dict, changes: list) -> bool:
    """None of `changes` (payloads, in order) can enter the entry's result or change its plan."""
    reach = entry.get("reach")
    if reach is None:
        return False
    terms, fuzzy = set(reach["t"]), reach["f"]
    hit_keys = {(kind, ref_id) for kind, ref_id, _ in entry["hits"]}
    for change in changes:
        if change is None or not terms.isdisjoint(change["t"]):
            return False
        if any((kind, ref_id) in hit_keys for kind, ref_id in change["k"]):
            return False
        if fuzzy and any(_near(word, unknown) for unknown in fuzzy for word in change["t"]):
            return False
    return not reach.get("n") or _far(reach["n"], changes)


def _far(near: list, changes: list) -> bool:
    """No changed document is as close in meaning to a searched request vector as its neighbours may be (their
    embeddings are written in the drain, before the write's bump)."""
    from app.search.semantic import store

    keys = sorted({(kind, ref_id) for change in changes for kind, ref_id in change["k"]})
    for model, encoded, floor in near:
        vec = np.frombuffer(base64.b64decode(encoded), dtype=np.float16).astype(np.float32)
        if any(float(doc @ vec) >= floor - 0.01 for doc in store.get_text(keys, model).values()):
            return False  # float16 on both sides: a hundredth of leeway
    return True


def _carried(entry: dict, version: int, now: float, read_changes: Callable[[int, int], list | None]) -> bool:
    """The entry (ranked at an older version) still holds at `version`."""
    steps = version - entry["v"]
    if entry.get("reach") is None or now - entry["at"] > CARRY_SECONDS or not 0 < steps <= MAX_CHANGE_STEPS:
        return False
    changes = read_changes(entry["v"], version)
    return changes is not None and _unaffected(entry, changes)


# ---------------------------------------------------------------- ranking a miss


_flights: dict[str, tuple[threading.Event, list]] = {}
FLIGHT_WAIT_SECONDS = 2.0


def _single_flight(key: str, compute: Callable[[], tuple]) -> tuple:
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
            return result[0]
        return compute()
    try:
        ranked = compute()
        result.append(ranked)
        return ranked
    finally:
        event.set()
        with _lock:
            _flights.pop(key, None)


def _ranked(compute: Callable[[], list[Hit]]) -> Callable[[], tuple[list[Hit], dict | None]]:
    def run():
        with planning.recording_reach() as reach:
            hits = compute()
        if not reach.complete:
            return hits, None
        near = [
            [model, base64.b64encode(np.asarray(vec, dtype=np.float16).tobytes()).decode(), floor]
            for model, vec, floor in reach.near
        ]
        return hits, {"t": sorted(reach.terms), "f": sorted(reach.fuzzy), **({"n": near} if near else {})}

    return run


def _key(title: str, body: str, scope: Scope, limit: int) -> str:
    meaning = "m" if current_app.config.get("SEARCH_SEMANTIC", True) else "w"
    if meaning == "m" and current_app.config.get("SEARCH_MINILM", True):
        meaning += "e"
    if meaning.startswith("m") and current_app.config.get("SEARCH_E5", False):
        meaning += "r" + ("l" if current_app.config.get("SEARCH_E5_LATIN", False) else "")
    who = "staff" if scope.is_staff else (f"u{scope.user_id}" if scope.user_id is not None else "anon")
    terms = " ".join(analysis.analyse_query(title)) + "\n" + " ".join(analysis.analyse_query(body))
    digest = hashlib.sha1(terms.encode()).hexdigest()
    return f"{_prefix()}:suggest:{meaning}:{who}:{limit}:{digest}"


def _hits(entry: dict) -> list[Hit]:
    return [Hit(kind=k, id=i, score=s) for k, i, s in entry["hits"]]


def _entry(version: int, at: float, hits: list[Hit], reach: dict | None) -> dict:
    return {"v": version, "at": at, "reach": reach, "hits": [[h.kind, h.id, h.score] for h in hits]}


def cached_hits(title: str, body: str, scope: Scope, limit: int, compute: Callable[[], list[Hit]]) -> list[Hit]:
    if not enabled():
        return compute()
    key = _key(title, body, scope, limit)
    client = _redis()
    if client is not None:
        try:
            if current_app.extensions.get(_MISSED):  # a bump was lost while Redis was away: a version without
                client.incr(_version_key())  # a log entry, so no entry is carried across it
                current_app.extensions[_MISSED] = False
            return _from_redis(client, key, compute)
        except Exception as error:  # never an error for the reader: straight from the index
            redis_conn.failed("suggest cache", error)
            return compute()
    return _from_local(key, compute)


def _from_local(key: str, compute) -> list[Hit]:
    local = _local()
    entries = local["entries"]
    now = time.monotonic()
    with _lock:
        version = local["version"]
        entry = entries.get(key)
        log_ = list(local["log"])
    fresh = entry is not None and now - entry["born"] < LOCAL_TTL_SECONDS
    if fresh and (entry["v"] == version or _carried(entry, version, now, lambda a, b: _local_changes(log_, a, b))):
        with _lock:
            entry["v"] = version
            entries.move_to_end(key)
        return _hits(entry)
    hits, reach = _single_flight(f"{key}:{version}", _ranked(compute))
    with _lock:
        entries[key] = {**_entry(version, now, hits, reach), "born": now}
        while len(entries) > LOCAL_MAX:
            entries.popitem(last=False)
    return hits


def _local_changes(log_: list, after: int, upto: int) -> list | None:
    changes = [change for version, change in log_ if after < version <= upto]
    return changes if len(changes) == upto - after else None


def _observe(version: bytes) -> None:
    """The shared version moved since this process last looked: another process (the worker) wrote the index.
    What this process memoised about the index is dropped before ranking under the new version, else a result
    ranked from stale memos (the PostgreSQL backend's document count, 0 before the first topic, kept for
    STATS_TTL seconds; the semantic model) would be cached under the new version."""
    local = _local()
    if local.get("seen") == version:
        return
    from app.search.backends import get_backend
    from app.search.semantic import store

    get_backend().index_changed()
    store.recheck_model()
    store.recheck_text()  # the embeddings its write stored are read before ranking under the new version
    local["seen"] = version


def _redis_changes(client, after: int, upto: int) -> list | None:
    raw = client.zrangebyscore(_log_key(), f"({after}", upto)
    if len(raw) != upto - after:
        return None  # trimmed or not written (a bump without Redis): treat as "everything changed"
    return [json.loads(item.split(b" ", 1)[1]) for item in raw]


def _from_redis(client, key: str, compute) -> list[Hit]:
    raw_version, raw = client.mget([_version_key(), key])
    raw_version = raw_version or b"0"
    _observe(raw_version)
    version, now = int(raw_version), time.time()
    entry = json.loads(raw) if raw is not None else None
    if entry is not None:
        if entry["v"] == version:  # (newer than the version only if the counter was lost: ranked again)
            return _hits(entry)
        if _carried(entry, version, now, lambda v0, v1: _redis_changes(client, v0, v1)):
            client.set(key, json.dumps({**entry, "v": version}), ex=TTL_SECONDS)
            return _hits(entry)
    hits, reach = _single_flight(f"{key}:{version}", _ranked(compute))
    client.set(key, json.dumps(_entry(version, now, hits, reach)), ex=TTL_SECONDS)
    return hits
