"""Logging, configured in one place (create_app calls init_app).

- Every request gets an id: a sane incoming `X-Request-ID` (from the proxy) or a new one; it is sent back in
  the `X-Request-ID` header and added to every log record emitted while the request runs.
- One line per request (logger `otklik.request`): method, path, status, duration in ms, user id. The path
  keeps only allow-listed query parameters (LOG_QUERY_ALLOWLIST), so tokens, signatures and VK/Facebook
  launch parameters never reach the log; path segments that look like tokens are masked.
- A request slower than SLOW_REQUEST_MS is logged as a warning; so is a SQL statement slower than
  SLOW_QUERY_MS (SQLAlchemy cursor events; the statement without its parameters).
- LOG_FORMAT=json: one JSON object per line; text otherwise. LOG_LEVEL sets the level.
"""

import contextvars
import json
import logging
import re
import sys
import time
import uuid
from urllib.parse import urlencode

from flask import current_app, g, has_app_context, request
from sqlalchemy import event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Engine

REQUEST_ID = contextvars.ContextVar("otklik_request_id", default="-")
SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
TOKENISH = re.compile(r"^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9._~-]{20,}$")
SLUG = re.compile(r"^[0-9]*-?[a-z0-9]+(-[a-z0-9]+)+$")  # /t/12-card-blocked-after-three-attempts: not a secret
DEFAULT_QUERY_ALLOWLIST = ("page", "lang", "sort", "status", "type", "category", "tab", "view", "per_page")
FIELDS = ("method", "path", "status", "duration_ms", "user_id", "statement")
request_log = logging.getLogger("otklik.request")
query_log = logging.getLogger("otklik.sql")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class TextFormatter(logging.Formatter):
    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", REQUEST_ID.get()),
        }
        data.update({key: getattr(record, key) for key in FIELDS if hasattr(record, key)})
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


JsonFormatter.converter = time.gmtime
TextFormatter.converter = time.gmtime


class StderrHandler(logging.StreamHandler):
    """Writes to the process's standard error (file descriptor 2), not to a `sys.stderr` that a CLI runner
    swapped in: log lines never mix into a command's own output."""

    @property
    def stream(self):
        return sys.__stderr__ or sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def _handler() -> logging.Handler:
    root = logging.getLogger()
    for handler in root.handlers:
        if getattr(handler, "otklik", False):
            return handler
    handler = StderrHandler()
    handler.otklik = True
    handler.addFilter(RequestIdFilter())
    root.addHandler(handler)
    return handler


def configure(app) -> None:
    handler = _handler()
    handler.setFormatter(JsonFormatter() if app.config.get("LOG_FORMAT", "text").lower() == "json" else TextFormatter())
    level = logging.getLevelName(str(app.config.get("LOG_LEVEL", "INFO")).upper())
    logging.getLogger().setLevel(level if isinstance(level, int) else logging.INFO)
    _install_record_factory()


def _install_record_factory() -> None:
    """Every record gets `request_id` when it is created, whichever handler (ours, a test's) sees it."""
    current = logging.getLogRecordFactory()
    if getattr(current, "otklik", False):
        return

    def factory(*args, **kwargs):
        record = current(*args, **kwargs)
        record.request_id = REQUEST_ID.get()
        return record

    factory.otklik = True
    logging.setLogRecordFactory(factory)


def safe_path(req=None, config=None) -> str:
    """The request path with token-like segments masked and only allow-listed query parameters."""
    req, config = (request, current_app.config) if req is None else (req, config)
    segments = ["[token]" if TOKENISH.match(part) and not SLUG.match(part) else part for part in req.path.split("/")]
    path = "/".join(segments)
    allowed = set(config.get("LOG_QUERY_ALLOWLIST") or DEFAULT_QUERY_ALLOWLIST)
    kept = [(key, value[:100]) for key, value in req.args.items(multi=True) if key in allowed]
    return path + (f"?{urlencode(kept)}" if kept else "")


def request_id_for(incoming: str) -> str:
    """A sane `X-Request-ID` from the proxy, or a new id."""
    return incoming if SANE_ID.match(incoming) else uuid.uuid4().hex


def _begin_request() -> None:
    g.request_id = request_id_for(request.headers.get("X-Request-ID", ""))
    g.request_token = REQUEST_ID.set(g.request_id)
    g.request_started = time.perf_counter()


def _user_id():
    user = g.get("_login_user")  # only when the request loaded it: logging never queries the database
    state = sa_inspect(user, raiseerr=False) if user is not None else None
    if state is not None and state.identity and state.expired_attributes:
        # the view's commit expired the account: its key, read without loading the whole row again only to
        # log its id (the account was signed in and active when the request began)
        return state.identity[0]
    return getattr(user, "id", None) if getattr(user, "is_authenticated", False) else None


def log_request(config, method: str, path: str, status: int, started: float, user_id=None) -> None:
    """The one line per request (the page cache's fast path writes it too)."""
    duration = round((time.perf_counter() - started) * 1000, 1)
    fields = {"method": method, "path": path, "status": status, "duration_ms": duration, "user_id": user_id}
    slow = duration > float(config.get("SLOW_REQUEST_MS", 1000))
    request_log.log(
        logging.WARNING if slow else logging.INFO,
        "%s %s %s %.1f ms user=%s%s",
        method,
        path,
        status,
        duration,
        user_id or "-",
        " (slow request)" if slow else "",
        extra=fields,
    )


def _finish_request(response):
    started = g.get("request_started")
    if started is None:
        return response
    response.headers["X-Request-ID"] = g.request_id
    log_request(current_app.config, request.method, safe_path(), response.status_code, started, _user_id())
    return response


def _forget_request(_exc) -> None:
    token = g.pop("request_token", None)
    if token is not None:
        try:
            REQUEST_ID.reset(token)
        except ValueError:  # set in another context (a streamed response): just clear it
            REQUEST_ID.set("-")


def _before_cursor(conn, _cursor, _statement, _params, _context, _many):
    conn.info.setdefault("otklik_query_start", []).append(time.perf_counter())


def _after_cursor(conn, _cursor, statement, _params, _context, _many):
    starts = conn.info.get("otklik_query_start")
    if not starts:
        return
    elapsed = (time.perf_counter() - starts.pop()) * 1000
    limit = float(current_app.config.get("SLOW_QUERY_MS", 200)) if has_app_context() else 200.0
    if elapsed > limit:
        text = " ".join(statement.split())[:500]
        query_log.warning(
            "slow query %.1f ms: %s", elapsed, text, extra={"duration_ms": round(elapsed, 1), "statement": text}
        )


def _listen_queries() -> None:
    if not event.contains(Engine, "before_cursor_execute", _before_cursor):
        event.listen(Engine, "before_cursor_execute", _before_cursor)
        event.listen(Engine, "after_cursor_execute", _after_cursor)


def init_app(app) -> None:
    configure(app)
    _listen_queries()
    app.before_request(_begin_request)
    app.after_request(_finish_request)
    app.teardown_request(_forget_request)
