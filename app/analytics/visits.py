"""Counting page views without slowing them: each view is appended to a buffer (Redis list when REDIS_URL is
set, so that every web node shares it; process memory otherwise) and written in batches by `flush()`.

A flush runs after a response has been sent once the buffer holds ANALYTICS_FLUSH_BATCH views or its oldest
view is ANALYTICS_FLUSH_SECONDS old, and from `flask analytics flush` (or a worker's periodic job).
"""

import atexit
import functools
import hashlib
import hmac
import json
import threading
import time
from collections import deque
from datetime import date, datetime

from flask import current_app, g, request
from flask_login import current_user
from sqlalchemy import insert, select, tuple_

from app.analytics import sources
from app.analytics.models import DailyVisits, PageView, VisitorDay
from app.common import redis_conn
from app.common.db import utcnow
from app.extensions import db

BATCH_SECONDS = 1.0  # views of the page cache's fast path wait at most this long in their process (RedisBuffer)
REDIS_KEY = "{prefix}:analytics:views"  # ANALYTICS_REDIS_KEY overrides it (tests: one key per app)
SKIP_PREFIXES = (
    "/static/",
    "/api/",
    "/admin",
    "/staff",
    "/media/",
    "/uploads",
    "/healthz",
    "/readyz",
    "/sitemap",
    "/robots.txt",
    "/favicon",
    "/apple-touch-icon",
    "/brand",
    "/widget.js",
    "/login",
    "/logout",
    "/register",
)


def visitor_hash(secret: str, day: date, ip: str, user_agent: str) -> str:
    """Daily-rotating salted hash: the salt is derived from the secret key and the day and never stored, so
    yesterday's hashes cannot be linked to today's, and no IP address is kept."""
    return hashlib.sha256(_day_salt(secret, day) + f"{ip}\n{user_agent}".encode()).hexdigest()[:32]


@functools.lru_cache(maxsize=4)
def _day_salt(secret: str, day: date) -> bytes:
    return hmac.new(secret.encode(), f"visitors:{day.isoformat()}".encode(), hashlib.sha256).digest()


class MemoryBuffer:
    def __init__(self):
        self._items: deque = deque()
        self._lock = threading.Lock()
        self.flush_lock = threading.Lock()

    def push(self, item: dict) -> int:
        with self._lock:
            self._items.append(item)
            return len(self._items)

    def oldest(self) -> float | None:
        with self._lock:
            return self._items[0]["t"] if self._items else None

    def take(self, limit: int) -> list[dict]:
        with self._lock:
            return [self._items.popleft() for _ in range(min(limit, len(self._items)))]

    def __len__(self) -> int:
        return len(self._items)


class _FlushLock:
    """One flusher at a time across processes (a Redis lock); while Redis is away, one per process."""

    def __init__(self, app, key: str):
        self.app, self.key = app, key
        self.local = threading.Lock()
        self.held = None

    def acquire(self, blocking: bool = False) -> bool:
        lock = redis_conn.call(
            "page views (flush lock)",
            lambda r: r.lock(self.key, timeout=120, blocking=False),
            app=self.app,
        )
        if lock is not None:
            taken = redis_conn.call("page views (flush lock)", lambda r: lock.acquire(blocking=False), app=self.app)
            if taken is not None:
                self.held = lock if taken else None
                return bool(taken)
        if not self.local.acquire(blocking=False):
            return False
        self.held = self.local
        return True

    def release(self) -> None:
        held, self.held = self.held, None
        if held is self.local:
            held.release()
        elif held is not None:
            redis_conn.call("page views (flush lock)", lambda r: held.release(), app=self.app)


class RedisBuffer:
    """A Redis list shared by every node. While Redis is away, views are kept in this process's memory (at most
    ANALYTICS_LOCAL_MAX, the oldest dropped beyond that) and written by the next flush of this process."""

    def __init__(self, app, key: str):
        self.app = app
        self.key = key
        self.local = MemoryBuffer()
        self.flush_lock = _FlushLock(app, key + ":flush")
        self._batch: list[str] = []
        self._batch_lock = threading.Lock()
        self._on_sent = None

    def _redis(self, func, default=None):
        return redis_conn.call("page views", func, default, app=self.app)

    def push(self, item: dict) -> int:
        pushed = self._redis(lambda r: r.rpush(self.key, json.dumps(item)))
        if pushed is not None:
            return pushed + len(self.local)
        if len(self.local) >= int(self.app.config.get("ANALYTICS_LOCAL_MAX", 100000)):
            self.local.take(1)  # bounded: the oldest view is dropped (logged once per outage by redis_conn)
        return self.local.push(item)

    def push_soon(self, item: dict, on_sent) -> None:
        """Keep `item` in this process for at most BATCH_SECONDS, then send it with the others of that second in
        one RPUSH and call `on_sent(pending)` (the page cache's fast path: one Redis round trip fewer per page).
        A process that exits normally sends its batch first; one killed outright loses at most that second."""
        with self._batch_lock:
            self._batch.append(json.dumps(item))
            self._on_sent = on_sent
            if len(self._batch) > 1:
                return
        if not hasattr(self, "_exit_hook"):
            self._exit_hook = atexit.register(self.send_batch, False)
        timer = threading.Timer(BATCH_SECONDS, self.send_batch)
        timer.daemon = True
        timer.start()

    def send_batch(self, notify: bool = True) -> int:
        with self._batch_lock:
            batch, self._batch, on_sent = self._batch, [], self._on_sent
        if not batch:
            return 0
        pending = self._redis(lambda r: r.rpush(self.key, *batch))
        if pending is None:  # Redis away: kept in this process's memory like push()
            for raw in batch:
                self.push(json.loads(raw))
            return len(batch)
        if notify and on_sent is not None:
            on_sent(pending)
        return len(batch)

    def oldest(self) -> float | None:
        local = self.local.oldest()
        if local is not None:
            return local
        first = self._redis(lambda r: r.lindex(self.key, 0))
        return json.loads(first)["t"] if first else None

    def take(self, limit: int) -> list[dict]:
        items = self.local.take(limit)
        if len(items) < limit:
            raw = self._redis(lambda r: r.lpop(self.key, limit - len(items))) or []
            items.extend(json.loads(one) for one in raw)
        return items

    def __len__(self) -> int:
        return (self._redis(lambda r: r.llen(self.key)) or 0) + len(self.local)


def buffer(app=None):
    app = app or current_app._get_current_object()
    if "otklik.visits" not in app.extensions:
        url = app.config.get("REDIS_URL")
        key = app.config.get("ANALYTICS_REDIS_KEY") or REDIS_KEY.format(prefix=redis_conn.prefix(app))
        app.extensions["otklik.visits"] = RedisBuffer(app, key) if url else MemoryBuffer()
    return app.extensions["otklik.visits"]


def _countable(req, response) -> bool:
    return (
        req.method == "GET"
        and response.status_code == 200
        and response.mimetype == "text/html"
        and not req.path.startswith(SKIP_PREFIXES)
    )


@functools.lru_cache(maxsize=32)
def _hosts(config_value: str) -> tuple[str, ...]:
    return tuple(h.strip().lower() for h in (config_value or "").split(",") if h.strip())


def count_view(response):
    """after_request: remember this view in the buffer (a few microseconds); flush after the response if due."""
    app = current_app._get_current_object()
    if not app.config.get("ANALYTICS_ENABLED", True) or not _countable(request, response):
        return response
    user_id = current_user.get_id() if current_user.is_authenticated else None
    if record_view(app, request, user_id, g.get("channel")):
        response.call_on_close(lambda: _flush_in(app))
    return response


def record_view(app, req, user_id=None, channel=None) -> bool:
    """Buffer one view of the page `req` asked for; True when a flush is due (run it after the response)."""
    buf = buffer(app)
    return _flush_due(app, buf, buf.push(view_item(app, req, user_id, channel)))


# Visitors come with a few distinct referrers, query strings and browsers: their classification is remembered.
_classify = functools.lru_cache(maxsize=1024)(sources.classify)
_is_bot = functools.lru_cache(maxsize=1024)(sources.is_bot)


def view_item(app, req, user_id=None, channel=None) -> dict:
    """What is kept of one view: no address, a daily-rotating visitor hash, the source."""
    config = app.config
    agent = req.headers.get("User-Agent", "")[:400]
    now = utcnow()
    community = _hosts(config.get("PUBLIC_URL_HOST", "")) + (req.host.split(":")[0].lower(),)
    source = _classify(
        req.referrer,
        req.query_string.decode("utf-8", "replace"),
        community_hosts=community,
        company_hosts=_hosts(config.get("ANALYTICS_COMPANY_HOSTS", "")),
        channel=channel,
    )
    return {
        "t": time.time(),
        "at": now.isoformat(),
        "path": req.path[:300],
        "v": visitor_hash(app.secret_key or "", now.date(), req.remote_addr or "", agent),
        "s": source.kind,
        "n": source.name[:100],
        "bot": _is_bot(agent),
        "u": user_id,
    }


def _flush_due(app, buf, pending: int) -> bool:
    if pending >= app.config.get("ANALYTICS_FLUSH_BATCH", 200):
        return True
    oldest = buf.oldest() if pending == 1 or pending % 20 == 0 else None
    return oldest is not None and time.time() - oldest >= app.config.get("ANALYTICS_FLUSH_SECONDS", 10)


def fast_path_view(app, req):
    """The page cache's fast path served `req` (an anonymous GET of a cached page, app/common/fastpath.py):
    count it like count_view. With Redis the view joins this process's batch of the second (sent in one RPUSH);
    returns what to run after the response (a flush), if anything."""
    if req.method != "GET" or not app.config.get("ANALYTICS_ENABLED", True) or req.path.startswith(SKIP_PREFIXES):
        return None
    buf = buffer(app)
    if isinstance(buf, RedisBuffer):
        buf.push_soon(view_item(app, req), lambda pending: _flush_due(app, buf, pending) and _flush_in(app))
        return None
    return (lambda: _flush_in(app)) if record_view(app, req) else None


def _flush_in(app) -> None:
    with app.app_context():
        try:
            flush()
        except Exception:  # counting must never break a page; the views stay in the log for the next flush
            db.session.rollback()
            app.logger.exception("analytics: flushing page views failed")


def flush(limit: int = 5000) -> int:
    """Write up to `limit` buffered views and roll them up. One flusher at a time; returns the views written."""
    buf = buffer()
    if isinstance(buf, RedisBuffer):
        buf.send_batch(notify=False)  # this process's views of the last second (the fast path's)
    lock = buf.flush_lock
    if not lock.acquire(blocking=False):
        return 0
    try:
        items = buf.take(limit)
        if items:
            _write(items)
            db.session.commit()
        return len(items)
    finally:
        lock.release()


def _write(items: list[dict]) -> None:
    rows = [
        {
            "created_at": (at := datetime.fromisoformat(i["at"])),
            "day": at.date(),
            "path": i["path"],
            "visitor": i["v"],
            "source": i["s"],
            "source_name": i["n"],
            "is_bot": bool(i["bot"]),
            "user_id": int(i["u"]) if i.get("u") else None,
        }
        for i in items
    ]
    db.session.execute(insert(PageView), rows)  # one multi-row INSERT: no ORM object per view
    rollups: dict[tuple, list[int]] = {}
    first_of_day: dict[tuple[date, str], str] = {}
    for view in rows:
        day, source, name = view["day"], view["source"], view["source_name"]
        counts = rollups.setdefault((day, source, name), [0, 0, 0])
        if view["is_bot"]:
            counts[2] += 1
            continue
        counts[0] += 1
        # A visitor whose first view of the day comes from one of our own pages (past midnight) is direct.
        first = source if source != sources.INTERNAL else sources.DIRECT
        first_of_day.setdefault((day, view["visitor"]), (first, name if first == source else ""))
    if first_of_day:
        known = set(
            db.session.execute(
                select(VisitorDay.day, VisitorDay.visitor).where(
                    tuple_(VisitorDay.day, VisitorDay.visitor).in_(list(first_of_day))
                )
            ).all()
        )
        for (day, visitor), (source, name) in first_of_day.items():
            if (day, visitor) in known:
                continue
            db.session.add(VisitorDay(day=day, visitor=visitor, source=source))
            rollups.setdefault((day, source, name), [0, 0, 0])[1] += 1
    existing = {
        (r.day, r.source, r.source_name): r
        for r in db.session.scalars(
            select(DailyVisits).where(
                tuple_(DailyVisits.day, DailyVisits.source, DailyVisits.source_name).in_(list(rollups))
            )
        )
    }
    for key, (page_views, visitors, bots) in rollups.items():
        row = existing.get(key)
        if row is None:
            row = DailyVisits(day=key[0], source=key[1], source_name=key[2], page_views=0, visitors=0, bot_views=0)
            db.session.add(row)
        row.page_views += page_views
        row.visitors += visitors
        row.bot_views += bots
