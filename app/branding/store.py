"""A small key/value store for admin settings (JSON per key, with a version), read through a cache that every
worker and every node invalidates at once.

Reading: `cached(key, build)` returns `build(version, value)` for the newest saved value. Per application context
(one request, one CLI command, one background job) it checks the version once: a Redis GET of the change counter
when REDIS_URL is set, otherwise one small `SELECT version` query; the value itself is loaded and `build` is called
again only when that changed. No timer: a save is seen by the next request on every node.

Writing: `write(key, value, actor)` adds one to the row's version in the caller's transaction; after that
transaction commits, the Redis counter of the key is incremented (INCR), so a reader never sees a new counter
before the new row is visible. If Redis holds no counter yet, a reader starts one (from the clock) and reads it back;
if Redis cannot be reached, readers ask the database.
Every process that saves settings (web workers, `flask` commands) must use the same REDIS_URL as the readers.
"""

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, g
from sqlalchemy import event, select

from app.branding.models import Setting
from app.common import redis_conn
from app.extensions import db

log = logging.getLogger(__name__)
T = TypeVar("T")
_CHANGED = "otklik.settings_changed"
_CACHE = "otklik.settings_cache"
_MISSED = "otklik.settings_missed"  # keys whose change Redis has not heard of yet
_lock = threading.Lock()


def redis_key(key: str, app=None) -> str:
    return f"{redis_conn.prefix(app)}:settings:{key}:changes"


def read(key: str) -> tuple[int, dict]:
    """(version, value) as saved; (0, {}) when nothing was saved yet."""
    row = db.session.get(Setting, key)
    return (row.version, dict(row.value or {})) if row is not None else (0, {})


def write(key: str, value: dict, actor=None) -> int:
    """Save `value` under `key` in the current transaction (no commit); returns the new version."""
    row = db.session.get(Setting, key)
    if row is None:
        row = Setting(key=key, value=value, version=1)
        db.session.add(row)
    else:
        row.value = value
        row.version = row.version + 1
    row.updated_by_id = getattr(actor, "id", None)
    db.session.flush()
    db.session.info.setdefault(_CHANGED, set()).add(key)
    return row.version


def db_version(key: str) -> int:
    return db.session.scalar(select(Setting.version).where(Setting.key == key)) or 0


def _stamp(key: str) -> tuple:
    """The cheap "has it changed?" token for `key`: the Redis counter, else (no Redis, Redis away) the database
    version."""
    app = current_app._get_current_object()
    if app.extensions.get(_MISSED) and redis_conn.usable(app):
        _announce(app, app.extensions[_MISSED])
    if not app.extensions.get(_MISSED):
        name = redis_key(key, app)
        changes = redis_conn.call("settings versions", lambda r: r.get(name), app=app)
        if changes is None:
            # No counter: never saved while Redis was on (or Redis was emptied), or Redis is away. Start it and
            # read it back (the value is loaded after this read, so a save committed later still moves it); a save
            # INCRements it after its commit. It starts from the clock, not 0, so a counter started again after
            # Redis was emptied never repeats a value some process still holds a snapshot for.
            start = time.time_ns() // 1000
            changes = redis_conn.call(
                "settings versions", lambda r: r.pipeline().set(name, start, nx=True).get(name).execute()[1], app=app
            )
        if changes is not None:
            return ("redis", changes)
    return ("db", db_version(key))


def _announce(app, keys) -> None:
    """INCR the counters of `keys`; the ones Redis did not take are kept and announced when it answers again
    (until then every reader of this process asks the database)."""
    missed = set(app.extensions.get(_MISSED) or ())
    for key in sorted(set(keys)):
        done = redis_conn.call("settings versions", lambda r, key=key: r.incr(redis_key(key, app)), app=app)
        if done is None:
            missed.add(key)
        else:
            missed.discard(key)
    app.extensions[_MISSED] = missed
    if missed:
        log.error("settings: could not announce the change of %s in Redis; retried when it answers", ", ".join(missed))


def cached(key: str, build: Callable[[int, dict], T]) -> T:
    """The snapshot `build(version, value)` of the newest saved value of `key` (see the module docstring).

    Checked once per application context: code that keeps one context open across saves made elsewhere (a test's
    app fixture, a shell) calls `forget(key)` to look again."""
    per_context = g.setdefault("_otklik_settings", {})
    if key in per_context:
        return per_context[key]
    cache: dict[str, tuple[tuple, Any]] = current_app.extensions.setdefault(_CACHE, {})
    stamp = _stamp(key)
    hit = cache.get(key)
    if hit is not None and hit[0] == stamp:
        snapshot = hit[1]
    else:
        version, value = read(key)
        snapshot = build(version, value)
        with _lock:
            cache[key] = (stamp, snapshot)
    per_context[key] = snapshot
    return snapshot


def forget(key: str) -> None:
    """Drop this context's copy (the next `cached` call checks the version again)."""
    g.get("_otklik_settings", {}).pop(key, None)


def _after_commit(session) -> None:
    keys = session.info.pop(_CHANGED, None)
    if not keys:
        return
    for key in keys:
        forget(key)
    app = current_app._get_current_object()
    if app.config.get("REDIS_URL"):
        _announce(app, keys)


def _after_rollback(session) -> None:
    session.info.pop(_CHANGED, None)


_listening = False


def listen() -> None:
    """Announce saved changes after commit (once per process: the listener is on the session class)."""
    global _listening
    if _listening:
        return
    from flask_sqlalchemy.session import Session

    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_rollback", _after_rollback)
    _listening = True
