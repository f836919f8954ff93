"""The anonymous page cache: the HTML of a public page, rendered once and served to every visitor who is not
signed in, until something it shows changes.

What is cached: the body of a 200 `text/html` response of an endpoint a feature registered
(`cache_endpoint`), for a GET without a signed-in user, without flashed messages, with only the query
arguments the endpoint names, keyed by path, arguments and locale. The two values that belong to one visitor,
the CSP nonce and the CSRF token, are replaced by markers before storing and by this request's own values on
every hit (the markers are derived from SECRET_KEY, so a post cannot spell them). A hit still runs every
after_request hook (security headers with the new nonce, page-view counting, cookies).

When it is dropped: each entry remembers the generations it was rendered under (`all`, plus `lists` for topic
lists or `topic:<id>` for one topic page). After a commit that changed rows, the generations the changed rows
name are incremented: features say which tables never show on a public page (`private_tables`) and which
changes touch one topic only (`scoped_table`); a change to any other table increments `all`. A generation is
read before the page is rendered, so a page rendered across a change is stored under the old generation and
never served. Entries also expire after PAGE_CACHE_TTL seconds.

Where: Redis when REDIS_URL is set (shared by every worker and node; one MGET per hit: the generations and the
entry, or only the generations for an entry this process already holds a copy of: each process keeps copies of
the last PAGE_CACHE_COPIES entries it stored or read, until their Redis expiry);
otherwise a small dictionary per process, whose single generation is the modification time of a stamp file in
the instance folder, so every process on the machine sees a change at once.
"""

import contextlib
import functools
import hashlib
import hmac
import json
import logging
import os
from collections.abc import Callable

from flask import current_app, g, request, session
from sqlalchemy import event

from app.common import redis_conn
from app.common.page_stores import LocalStore, RedisStore

log = logging.getLogger(__name__)
_CHANGES = "otklik.page_changes"
_EXT = "otklik.pagecache"
_endpoints: dict[str, tuple[Callable[[dict], tuple[str, ...]], frozenset[str]]] = {}
_private: set[str] = set()
_scoped: dict[str, Callable] = {}


def cache_endpoint(endpoint: str, generations: Callable[[dict], tuple[str, ...]], args=()) -> None:
    """Cache `endpoint` for visitors; `generations(view_args)` names what it shows besides `all`."""
    _endpoints[endpoint] = (generations, frozenset(args))


def private_tables(*names: str) -> None:
    """Tables whose rows never show on a cached page (bookkeeping, staff-only data, outboxes)."""
    _private.update(names)


def scoped_table(name: str, generations: Callable) -> None:
    """`generations(obj, is_new)` returns the generations a change of `obj` touches, or None for `all`."""
    _scoped[name] = generations


def _store():
    return store_for(current_app._get_current_object())


def store_for(app):
    store = app.extensions.get(_EXT)
    if store is None:
        url = app.config.get("REDIS_URL")
        stamp = app.config.get("PAGE_CACHE_STAMP") or os.path.join(app.instance_path, "page-cache.stamp")
        prefix = app.config.get("PAGE_CACHE_PREFIX") or f"{redis_conn.prefix(app)}:"
        copies = int(app.config.get("PAGE_CACHE_COPIES", 256))
        store = app.extensions[_EXT] = RedisStore(app, prefix, copies) if url else LocalStore(stamp)
    return store


def _markers() -> tuple[str, str]:
    return markers(current_app.secret_key)


@functools.lru_cache(maxsize=4)
def markers(secret_key) -> tuple[str, str]:
    """The placeholders of the CSP nonce and the CSRF token in a stored page."""
    digest = hmac.new(str(secret_key).encode(), b"otklik-page-cache", hashlib.sha256).hexdigest()
    return f"pcn{digest[:20]}", f"pcc{digest[20:40]}"


def cacheable(endpoint, view_args, args) -> tuple[str, ...] | None:
    """The generations a page of `endpoint` shows, or None when this endpoint or these arguments are not cached."""
    if endpoint not in _endpoints:
        return None
    generations, allowed = _endpoints[endpoint]
    if any(name not in allowed for name in args):
        return None
    return ("all", *generations(view_args or {}))


def page_key(locale, path: str, args) -> str:
    raw = f"{locale}|{path}|{sorted(args.items(multi=True))}"
    return hashlib.sha1(raw.encode()).hexdigest()


def split_entry(generations: tuple, value: bytes | None) -> bytes | None:
    """The page stored in `value` when it was rendered under these `generations`, else None."""
    stamp = b"|".join(generations) + b"\n"
    return value[len(stamp) :] if value is not None and value.startswith(stamp) else None


def _cache_key() -> tuple[str, tuple[str, ...]] | None:
    """(key, generations) when this request may be answered from the cache, else None."""
    if request.method != "GET":
        return None
    names = cacheable(request.endpoint, request.view_args, request.args)
    if names is None or session.get("_flashes"):
        return None
    from flask_babel import get_locale
    from flask_login import current_user

    if current_user.is_authenticated:
        return None
    return page_key(get_locale(), request.path, request.args), names


def serve_cached():
    """before_request: the cached page for this visitor, or None (then remember where to store the page)."""
    if not current_app.config.get("PAGE_CACHE", True):
        return None
    found = _cache_key()
    if found is None:
        return None
    key, names = found
    try:
        found = _store().lookup(key, names)
    except Exception as error:  # no cache is better than no page
        log.warning("page cache: lookup failed (%s)", error)
        return None
    if found is None:  # Redis away: render, and do not store
        return None
    generations, value = found
    page = split_entry(generations, value)
    if page is not None:
        return _response(page.decode())
    g.page_cache = (key, b"|".join(generations) + b"\n")
    return None


def _response(body: str):
    from flask_wtf.csrf import generate_csrf

    from app.common.headers import csp_nonce

    nonce_marker, csrf_marker = _markers()
    body = body.replace(nonce_marker, csp_nonce())
    if csrf_marker in body:
        body = body.replace(csrf_marker, generate_csrf())
    response = current_app.response_class(body, mimetype="text/html")
    response.vary.add("Cookie")
    response.headers["X-Page-Cache"] = "hit"
    return response


def store_page(response):
    """after_request: keep a page rendered for a visitor (with the nonce and the CSRF token taken out)."""
    pending = g.pop("page_cache", None)
    if pending is None or response.status_code != 200 or response.mimetype != "text/html":
        return response
    if response.direct_passthrough or g.get("frame_ancestors") is not None or session.get("_flashes"):
        return response
    body = response.get_data(as_text=True)
    nonce_marker, csrf_marker = _markers()
    if g.get("csp_nonce"):
        body = body.replace(g.csp_nonce, nonce_marker)
    if g.get("csrf_token"):
        body = body.replace(g.csrf_token, csrf_marker)
    key, stamp = pending
    try:
        _store().store(key, stamp + body.encode(), int(current_app.config.get("PAGE_CACHE_TTL", 300)))
    except Exception as error:
        log.warning("page cache: store failed (%s)", error)
    return response


def cached_value(name: str, generations: tuple[str, ...], build: Callable, ttl: int = 300):
    """`build()` (JSON-serialisable), kept while the `generations` (and `all`) do not change: for aggregates
    that are the same for many requests (counts). Kept in the same store as the pages, or built each time
    when the page cache is off. The generations are read before building, like a page's."""
    if not current_app.config.get("PAGE_CACHE", True):
        return build()
    names = ("all", *generations)
    try:
        store, key = _store(), "value:" + name
        found = store.lookup(key, names)
    except Exception as error:
        log.warning("page cache: lookup failed (%s)", error)
        return build()
    if found is None:
        return build()
    generations_now, value = found
    stamp = b"|".join(generations_now) + b"\n"
    if value is not None and value.startswith(stamp):
        return json.loads(value[len(stamp) :])
    result = build()
    with contextlib.suppress(Exception):
        store.store(key, stamp + json.dumps(result).encode(), ttl)
    return result


def _changed_generations(session_, flush_context) -> None:
    changes = session_.info.setdefault(_CHANGES, set())
    if "all" in changes:
        return
    for obj, is_new in [(o, True) for o in session_.new] + [(o, False) for o in session_.dirty | session_.deleted]:
        table = getattr(getattr(obj, "__table__", None), "name", None)
        if table in _private or (not is_new and obj in session_.dirty and not session_.is_modified(obj)):
            continue
        scoped = _scoped.get(table)
        names = scoped(obj, is_new, obj in session_.deleted) if scoped else None
        if names is None:
            changes.add("all")
            return
        changes.update(names)


def _bulk_statement(orm_execute_state) -> None:
    if orm_execute_state.is_update or orm_execute_state.is_delete:
        table = getattr(orm_execute_state.statement.table, "name", None)
        if table not in _private:
            orm_execute_state.session.info.setdefault(_CHANGES, set()).add("all")


def _after_commit(session_) -> None:
    names = session_.info.pop(_CHANGES, None)
    if not names or not current_app:
        return
    try:
        announced = _store().bump(sorted(names))
    except Exception as error:
        log.error("page cache: could not announce a change (%s); pages expire within PAGE_CACHE_TTL", error)
        return
    if announced is False:
        log.info("page cache: a change is announced as a change of everything once Redis answers again")


def _after_rollback(session_) -> None:
    session_.info.pop(_CHANGES, None)


_listening = False


def init_app(app) -> None:
    global _listening
    app.config.setdefault("PAGE_CACHE", True)
    app.config.setdefault("PAGE_CACHE_TTL", 300)
    # Redis keys: <prefix>page:<hash>, <prefix>gen:<name>; empty: REDIS_PREFIX followed by ":"
    app.config.setdefault("PAGE_CACHE_PREFIX", "")
    app.before_request(serve_cached)
    app.after_request(store_page)
    from app.common import fastpath

    fastpath.init_app(app)
    if not _listening:
        from flask_sqlalchemy.session import Session

        event.listen(Session, "after_flush", _changed_generations)
        event.listen(Session, "do_orm_execute", _bulk_statement)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
        _listening = True
