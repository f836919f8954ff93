"""Named rate limits: one setting per name, one decorator for every view a stranger (or a member) can repeat.

A name `signin` reads the setting `RATELIMIT_SIGNIN` ("6/minute;30/hour": Flask-Limiter's syntax, several limits
separated by ";"). Usage in a blueprint:

    from app.common.ratelimit import rate_limit

    @bp.route("/login", methods=["GET", "POST"])
    @rate_limit("signin")                  # per client IP, POST only
    @rate_limit("signin_account", key="email")  # per submitted e-mail address (normalised)
    def login(): ...

- `key`: "ip" (the default), "user" (the signed-in account, the IP for visitors), "email" (the `email` field of the
  form or JSON body, trimmed and lowercased), or any callable returning a string.
- Views that use the same name share one budget: posting a topic and a comment both spend `post`.
- If `RATELIMIT_<NAME>_NEW` is set, accounts younger than `RATELIMIT_NEW_ACCOUNT_DAYS` get that limit instead.
- Staff (representatives, moderators, admins) get every amount multiplied by `RATELIMIT_STAFF_FACTOR`.
- A new name needs only its setting (config.py and the README table); `limit_string(name)` reads it.

Breaking a limit is a 429 with `Retry-After` (seconds) and the translated error page, or JSON under /api/.
"""

import time
from datetime import timedelta

from flask import current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits import parse_many

from app.common.db import utcnow
from app.common.permissions import is_staff
from app.extensions import limiter


def _config_key(name: str) -> str:
    return f"RATELIMIT_{name.upper()}"


def _is_new_account() -> bool:
    created = getattr(current_user, "created_at", None) if current_user.is_authenticated else None
    days = current_app.config.get("RATELIMIT_NEW_ACCOUNT_DAYS", 0)
    return bool(created and days and created > utcnow() - timedelta(days=days))


def _scaled(value: str, factor: int) -> str:
    return ";".join(
        f"{item.amount * factor} per {item.multiples} {item.GRANULARITY.name}" for item in parse_many(value)
    )


def limit_string(name: str) -> str:
    """The limit for `name` that applies to the current request's user (see the module docstring)."""
    config = current_app.config
    if _config_key(name) not in config:
        raise KeyError(f"No rate limit setting {_config_key(name)}")
    value = config[_config_key(name)]
    if config.get(_config_key(name) + "_NEW") and _is_new_account():
        value = config[_config_key(name) + "_NEW"]
    factor = int(config.get("RATELIMIT_STAFF_FACTOR", 1) or 1)
    if factor > 1 and is_staff(current_user):
        value = _scaled(value, factor)
    return value


def by_ip() -> str:
    return get_remote_address() or "unknown"


def by_user() -> str:
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"ip:{by_ip()}"


def by_email() -> str:
    """The address an attempt is about (sign-in, reset): the same account from any IP shares one budget."""
    value = request.form.get("email")
    if value is None and request.is_json:
        payload = request.get_json(silent=True)
        value = payload.get("email") if isinstance(payload, dict) else None
    return "email:" + (value if isinstance(value, str) else "").strip().lower()[:254]


KEYS = {"ip": by_ip, "user": by_user, "email": by_email}


def rate_limit(name: str, key="ip", methods=("POST",)):
    """Decorator: the named limit, counted per `key`, for requests with one of `methods` (None: all)."""
    key_func = KEYS[key] if isinstance(key, str) else key
    return limiter.shared_limit(
        lambda: limit_string(name),
        scope=name,
        key_func=key_func,
        methods=[m.lower() for m in methods] if methods else None,
    )


def retry_after_seconds() -> int:
    """Seconds until the limit this request broke lets the client in again (at least 1)."""
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, int(current.reset_at - time.time()) + 1)


def init_app(app) -> None:
    """Bind the shared limiter to the app with the settings (storage: Redis when REDIS_URL is set)."""
    config = app.config
    config.setdefault("RATELIMIT_STORAGE_URI", config.get("REDIS_URL") or "memory://")
    # Flask-Limiter keeps some settings from the first app it was bound to: set them on every app.
    config.setdefault("RATELIMIT_ENABLED", True)
    config.setdefault("RATELIMIT_STRATEGY", "moving-window")
    config["RATELIMIT_HEADERS_ENABLED"] = False  # Retry-After is set on the 429 itself (app/common/errors.py)
    # Redis away: Flask-Limiter logs "Rate limit storage unreachable - falling back to in-memory storage", counts
    # in this process's memory, and tries Redis again after 1, 2, 4 ... 32 s. The socket timeouts are the
    # application's (REDIS_SOCKET_TIMEOUT, REDIS_CONNECT_TIMEOUT), so a silent Redis costs one request that long.
    config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    from app.common import redis_conn

    config["RATELIMIT_KEY_PREFIX"] = config.get("RATELIMIT_KEY_PREFIX") or redis_conn.prefix(app)
    if str(config["RATELIMIT_STORAGE_URI"]).startswith(("redis://", "rediss://", "unix://")):
        options = dict(config.get("RATELIMIT_STORAGE_OPTIONS") or {})
        for name, value in redis_conn.timeouts(app).items():
            options.setdefault(name, value)
        config["RATELIMIT_STORAGE_OPTIONS"] = options
    limiter.enabled = config["RATELIMIT_ENABLED"]
    limiter._key_prefix = ""  # else the first app's prefix would stay: init_app takes the one set above
    limiter.init_app(app)
    limiter._storage_dead = False  # the limiter is shared by every app of the process: a new app's storage is new
