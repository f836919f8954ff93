"""The page cache's fast path: a WSGI middleware around Flask's `wsgi_app` that answers a cache hit for an
anonymous GET or HEAD from the raw request, before Flask builds a request context (a hit through Flask costs
about ten times more). Everything it does not answer goes to Flask unchanged.

Who gets it: a request without a remember-me cookie or an Authorization header, and either without a session
cookie or with a session cookie that verifies and holds nothing but a CSRF token (what every visitor who has
seen a page has). Anything else (a signed-in user, flashed messages, any other session content, a cookie that
does not verify, arguments the page does not take, a control character, a miss) goes to Flask, where
`serve_cached` applies the same rules with the full request.

What it sends: the stored page with a new CSP nonce (header and body) and this visitor's own CSRF token, signed
like Flask-WTF signs it; a visitor without a session gets a new one in the same cookie Flask would set. The same
security headers, `Vary: Cookie`, `X-Page-Cache: hit`, `X-Request-ID` and request log line as the Flask path;
features count the view through `on_hit` (app/analytics/visits.py).

Freshness: the same lookup as the Flask path (Redis: one MGET of the generations and the entry, or of the
generations only for an entry this process holds a copy of; per process: the stamp file's modification time), so
a change committed on any node shows on the next request.

Cost: this runs for most anonymous requests, so it avoids what a hit does not need: cookies are parsed only when
there is a Cookie header, the locale of an Accept-Language value is remembered, and the session cookie and the
CSRF token are signed by app/common/quicksign.py (the strings itsdangerous writes, without its per-call set-up).
"""

import functools
import hashlib
import json
import logging
import os
import secrets
import time
from typing import NamedTuple

from babel import Locale
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.datastructures import LanguageAccept
from werkzeug.exceptions import HTTPException
from werkzeug.http import dump_cookie, parse_accept_header
from werkzeug.wrappers import Request
from werkzeug.wsgi import ClosingIterator

from app.common import guards, headers, logs, pagecache
from app.common.i18n import LANG_COOKIE
from app.common.quicksign import QuickDumps

log = logging.getLogger(__name__)
_HOOKS = "otklik.fast_hit"
# The JSON the session serializer (Flask's tagged JSON of a dict of strings) and Flask-WTF's serializer
# (itsdangerous' compact JSON) write, with the encoders made once.
_FLASK_JSON = json.JSONEncoder(separators=(",", ":"), sort_keys=True)
_COMPACT_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def on_hit(app, hook) -> None:
    """`hook(app, request)` runs for every page the fast path serves; it may return a callable to run after
    the response has been sent."""
    app.extensions.setdefault(_HOOKS, []).append(hook)


@functools.lru_cache(maxsize=32)
def _locale_name(code: str) -> str:
    return str(Locale.parse(code))  # what Flask-Babel's get_locale() gives for the same code


@functools.lru_cache(maxsize=256)
def _best_locale(accept_language: str, languages: tuple, default: str) -> str:
    """The locale for an Accept-Language header (browsers send a few distinct ones): as request.accept_languages."""
    return _locale_name(parse_accept_header(accept_language, LanguageAccept).best_match(languages) or default)


@functools.lru_cache(maxsize=8)
def _cookie_around(name: str, **settings) -> tuple[str, str]:
    """What dump_cookie writes before and after a cookie's value (which the value does not change when it needs
    no quoting, as itsdangerous' URL-safe output never does)."""
    before, _, after = dump_cookie(name, "pcvalue", **settings).partition("=pcvalue")
    return before + "=", after


class _Prepared(NamedTuple):
    secret_key: object
    session: URLSafeTimedSerializer  # Flask's session serializer (reads the visitor's cookie)
    adapter: object  # a URL adapter bound once, or None when matching needs the request's host
    session_dumps: QuickDumps  # signs a new session cookie
    csrf_dumps: QuickDumps  # signs a CSRF token as Flask-WTF does


class FastPath:
    def __init__(self, app, wsgi_app):
        self.app, self.wsgi_app = app, wsgi_app
        self._signers: _Prepared | None = None

    def __call__(self, environ, start_response):
        config = self.app.config
        if (
            environ.get("REQUEST_METHOD") not in ("GET", "HEAD")
            or not config.get("PAGE_CACHE", True)
            or not config.get("PAGE_CACHE_FAST", True)
            or not isinstance(self.app.session_interface, SecureCookieSessionInterface)
        ):
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        req = Request(environ)
        try:
            hit = self._hit(req)
        except Exception as error:  # the fast path is only a shortcut: Flask answers
            log.warning("page cache fast path: %s", error)
            hit = None
        if hit is None:
            return self.wsgi_app(environ, start_response)
        return self._respond(req, started, *hit, start_response)

    def _prepared(self) -> "_Prepared":
        """What does not change between requests, made once (again if the secret key changes)."""
        app = self.app
        if self._signers is None or self._signers.secret_key != app.secret_key:
            csrf_secret = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
            adapter = None
            if not app.url_map.host_matching and not app.subdomain_matching and not app.config.get("SERVER_NAME"):
                adapter = app.url_map.bind("localhost")  # matching a path needs no host then
            session = app.session_interface.get_signing_serializer(app)
            csrf = URLSafeTimedSerializer(csrf_secret, salt="wtf-csrf-token")
            self._signers = _Prepared(app.secret_key, session, adapter, QuickDumps(session), QuickDumps(csrf))
        return self._signers

    def _session(self) -> URLSafeTimedSerializer:
        return self._prepared().session

    def _match(self, req) -> tuple:
        adapter = self._prepared().adapter
        if adapter is None:
            return self.app.create_url_adapter(req).match()
        return adapter.match(req.path, method=req.method)

    def _visitor(self, req) -> tuple[bool, str | None]:
        """(True, this visitor's raw CSRF token or None for a visitor without a session), or (False, None) when
        the request may belong to a signed-in user or carries anything else in its session."""
        config, environ = self.app.config, req.environ
        if "HTTP_AUTHORIZATION" in environ:
            return False, None
        if not environ.get("HTTP_COOKIE"):  # no cookie at all (a first visit): nothing to parse
            return True, None
        if req.cookies.get(config.get("REMEMBER_COOKIE_NAME") or "remember_token"):
            return False, None
        value = req.cookies.get(self.app.session_interface.get_cookie_name(self.app))
        if not value:
            return True, None
        try:
            data = self._session().loads(value, max_age=int(self.app.permanent_session_lifetime.total_seconds()))
        except BadSignature:
            return False, None
        field = config.get("WTF_CSRF_FIELD_NAME") or "csrf_token"
        if not isinstance(data, dict) or set(data) != {field} or not isinstance(data[field], str):
            return False, None
        return True, data[field]

    def _locale(self, req) -> str:
        config, environ = self.app.config, req.environ
        languages = config["LANGUAGES"]
        for code in (  # as app/common/i18n.py, no user
            req.args.get("lang") if environ.get("QUERY_STRING") else None,
            req.cookies.get(LANG_COOKIE) if environ.get("HTTP_COOKIE") else None,
        ):
            if code in languages:
                return _locale_name(code)
        default = config["BABEL_DEFAULT_LOCALE"]
        return _best_locale(environ.get("HTTP_ACCEPT_LANGUAGE", ""), tuple(languages), default)

    def _hit(self, req):
        """(page, visitor's CSRF token) for a cached page this visitor may get, else None."""
        anonymous, token = self._visitor(req)
        if not anonymous or guards.request_has_control_characters(req):
            return None
        try:
            endpoint, view_args = self._match(req)
        except HTTPException:  # not found, a redirect, another method: Flask answers
            return None
        names = pagecache.cacheable(endpoint, view_args, req.args)
        if names is None:
            return None
        key = pagecache.page_key(self._locale(req), req.path, req.args)
        found = pagecache.store_for(self.app).lookup(key, names)  # None while Redis is away: Flask renders
        page = None if found is None else pagecache.split_entry(*found)
        return None if page is None else (page, token)

    def _csrf(self, token: str) -> str:
        # as Flask-WTF's generate_csrf()
        return self._prepared().csrf_dumps.dumps(token, _COMPACT_JSON.encode(token).encode())

    def _new_session_cookie(self, token: str) -> str:
        """The cookie Flask would set for a new session holding only this CSRF token."""
        app, interface = self.app, self.app.session_interface
        data = {app.config.get("WTF_CSRF_FIELD_NAME") or "csrf_token": token}
        value = self._prepared().session_dumps.dumps(data, _FLASK_JSON.encode(data).encode())
        before, after = _cookie_around(
            interface.get_cookie_name(app),
            httponly=interface.get_cookie_httponly(app),
            domain=interface.get_cookie_domain(app),
            path=interface.get_cookie_path(app),
            secure=interface.get_cookie_secure(app),
            partitioned=interface.get_cookie_partitioned(app),
            samesite=interface.get_cookie_samesite(app),
        )
        return before + value + after  # dump_cookie(name, value, ...): a URL-safe value is not quoted

    def _respond(self, req, started, page: bytes, token, start_response):
        app = self.app
        nonce = secrets.token_urlsafe(18)
        nonce_marker, csrf_marker = (m.encode() for m in pagecache.markers(app.secret_key))
        body, cookie = page.replace(nonce_marker, nonce.encode()), None
        if csrf_marker in body:
            if token is None:  # as Flask-WTF's generate_csrf() for a visitor without a session
                token = hashlib.sha1(os.urandom(64)).hexdigest()
                cookie = self._new_session_cookie(token)
            body = body.replace(csrf_marker, self._csrf(token).encode())
        request_id = logs.request_id_for(req.headers.get("X-Request-ID", ""))
        response_headers = [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("Vary", "Cookie"),
            ("X-Page-Cache", "hit"),
            *headers.page_headers(app.config, nonce, headers.is_https(app.config, req.is_secure)),
            ("X-Request-ID", request_id),
        ]
        if cookie:
            response_headers.append(("Set-Cookie", cookie))
        context = logs.REQUEST_ID.set(request_id)
        try:
            after = [callback for callback in self._run_hooks(req) if callback]
            logs.log_request(app.config, req.method, logs.safe_path(req, app.config), 200, started)
        finally:
            logs.REQUEST_ID.reset(context)
        start_response("200 OK", response_headers)
        chunks = [b""] if req.method == "HEAD" else [body]
        return ClosingIterator(chunks, after) if after else chunks

    def _run_hooks(self, req):
        for hook in self.app.extensions.get(_HOOKS, ()):
            try:
                yield hook(self.app, req)
            except Exception as error:  # counting must never break a page
                log.warning("page cache fast path: %s failed (%s)", getattr(hook, "__name__", hook), error)


def init_app(app) -> None:
    """Wrap the application (pagecache.init_app calls it; ProxyFix, if any, goes around it afterwards)."""
    app.config.setdefault("PAGE_CACHE_FAST", True)
    app.wsgi_app = FastPath(app, app.wsgi_app)
