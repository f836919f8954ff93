"""The application's one Redis client, with short timeouts and a breaker: Redis speeds pages up and shares state
between nodes, but a page never waits long for it and never fails because of it.

- `client(app)`: the redis.Redis for REDIS_URL (None without it), shared by every use in this process (one
  connection pool), with REDIS_SOCKET_TIMEOUT and REDIS_CONNECT_TIMEOUT (0.5 s each by default), so a Redis that
  accepts connections and never answers costs a request at most that long.
- `usable(app)`: False while the breaker is open. After a failure (`failed(...)`), no code in this process asks
  Redis again for REDIS_RETRY_SECONDS; then one request tries, and either closes the breaker or opens it again.
  So with Redis away, one request per period pays the timeout and the others do not wait at all.
- `failed(what, error, app)`: open the breaker; one warning per outage (not per request) names the use.
- `recovered_since(mark)`: for code that skipped a write while Redis was away and must redo it (an invalidation).
- `prefix(app)`: REDIS_PREFIX, this install's namespace: every key and channel the application names in Redis
  starts with it (page cache, suggest cache, settings versions, page views, job coalescing, rate limits; RQ's own
  keys are named by the queue, JOBS_QUEUE, which defaults to it), so several installs can share one Redis.

Every user degrades in its own way (docs/deployment.md, "When Redis is away"): caches miss, page views are
counted in process memory, settings are read from the database, jobs wait in their outbox tables for the sweep,
rate limits fall back to per-process memory (Flask-Limiter's in-memory fallback), /readyz answers 503.
"""

import logging
import threading
import time

from flask import current_app

log = logging.getLogger(__name__)
_CLIENT = "otklik.redis_client"
_STATE = "otklik.redis_state"
_lock = threading.Lock()


def _app(app=None):
    return app if app is not None else current_app._get_current_object()


def prefix(app=None) -> str:
    """This install's namespace in Redis (REDIS_PREFIX, default "otklik"): installs sharing a Redis differ in it."""
    return _app(app).config.get("REDIS_PREFIX") or "otklik"


def timeouts(app=None) -> dict:
    """The socket options every Redis client of the application uses (also given to Flask-Limiter's storage)."""
    config = _app(app).config
    return {
        "socket_timeout": float(config.get("REDIS_SOCKET_TIMEOUT", 0.5)),
        "socket_connect_timeout": float(config.get("REDIS_CONNECT_TIMEOUT", 0.5)),
    }


def client(app=None):
    """The shared client for REDIS_URL, or None when Redis is not configured."""
    app = _app(app)
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    found = app.extensions.get(_CLIENT)
    if found is None or found[0] != url:
        import redis

        found = app.extensions[_CLIENT] = (url, redis.Redis.from_url(url, **timeouts(app)))
    return found[1]


def _state(app) -> dict:
    return app.extensions.setdefault(_STATE, {"down_until": 0.0, "down_since": None, "outages": 0})


def usable(app=None) -> bool:
    """Redis is configured and not known to be away (the breaker is closed or its waiting time is over)."""
    app = _app(app)
    if not app.config.get("REDIS_URL"):
        return False
    return time.monotonic() >= _state(app)["down_until"]


def available(app=None):
    """The client when Redis is usable, else None: `if (r := available()) is not None: ...`."""
    app = _app(app)
    return client(app) if usable(app) else None


def failed(what: str, error: BaseException, app=None) -> None:
    """A Redis call for `what` failed: nobody in this process waits for Redis for REDIS_RETRY_SECONDS."""
    app = _app(app)
    state = _state(app)
    retry = float(app.config.get("REDIS_RETRY_SECONDS", 5))
    with _lock:
        first = state["down_since"] is None
        if first:
            state["down_since"] = time.monotonic()
            state["outages"] += 1
        state["down_until"] = time.monotonic() + retry
    if first:
        log.warning(
            "redis: unreachable (%s: %s: %s); degrading (caches miss, page views counted in memory, jobs left to "
            "the sweep) and retrying every %.0f s",
            what,
            type(error).__name__,
            error,
            retry,
        )


def succeeded(app=None) -> None:
    """A Redis call worked: close the breaker (and say so once)."""
    app = _app(app)
    state = _state(app)
    if state["down_since"] is None:
        return
    with _lock:
        since, state["down_since"], state["down_until"] = state["down_since"], None, 0.0
    if since is not None:
        log.warning("redis: reachable again after %.0f s", time.monotonic() - since)


def outages(app=None) -> int:
    """How many outages this process has seen (a caller that skipped a write compares it to redo the write)."""
    return _state(_app(app))["outages"]


def call(what: str, func, default=None, app=None):
    """`func(client)` when Redis is usable, else `default`; a failure is logged once per outage and gives
    `default`. Never raises a Redis or socket error."""
    app = _app(app)
    conn = available(app)
    if conn is None:
        return default
    try:
        result = func(conn)
    except Exception as error:
        if is_outage(error):
            failed(what, error, app)
        else:  # Redis answered, with an error (a lock that expired, a wrong type): not an outage
            log.warning("redis: %s failed: %s: %s", what, type(error).__name__, error)
        return default
    succeeded(app)
    return result


def is_outage(error: BaseException) -> bool:
    """A connection that failed or timed out (or a reply a half-answering server broke), not an answer."""
    import redis

    return isinstance(error, (redis.ConnectionError, redis.TimeoutError, redis.exceptions.InvalidResponse, OSError))
