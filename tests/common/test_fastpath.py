"""The page cache's fast path (app/common/fastpath.py): a cache hit for a visitor without a signed-in session is
answered before Flask builds a request, with the same page, headers, log line and view count as the Flask path.
Runs on the per-process store, and on Redis when REDIS_URL is set."""

import logging
import re
import time

import pytest
from flask import request_started
from sqlalchemy import func, select

from app.analytics import visits
from app.analytics.models import PageView
from app.common import redis_conn
from app.extensions import db
from tests.branding.conftest import form_data
from tests.helpers import page_text

NONCE = re.compile(r'nonce="([^"]+)"')
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@pytest.fixture
def flask_requests(cached_app):
    """The paths Flask built a request for (the fast path builds none)."""
    seen = []

    def note(sender, **extra):
        from flask import request

        seen.append(request.path)

    request_started.connect(note, cached_app)
    yield seen
    request_started.disconnect(note, cached_app)


def _url(topic):
    return f"/t/{topic.id}-{topic.slug}"


def _without_personal_values(html: str) -> str:
    token = CSRF.search(html).group(1)
    return NONCE.sub("", html).replace(token, "")


def _hit(client, url, flask_requests, fast=True, **kwargs):
    before = len(flask_requests)
    response = client.get(url, **kwargs)
    response.close()
    assert response.status_code == 200 and response.headers.get("X-Page-Cache") == "hit", url
    assert (len(flask_requests) == before) is fast, url
    return response


def _comparable_headers(response) -> dict:
    headers = dict(response.headers)
    nonce = NONCE.search(response.get_data(as_text=True)).group(1)
    assert f"'nonce-{nonce}'" in headers.pop("Content-Security-Policy").replace(nonce, "N")  # never: replaced
    headers.pop("X-Request-ID")
    cookie = headers.pop("Set-Cookie")
    return {**headers, "Set-Cookie": re.sub(r"^session=[^;]+", "session=…", cookie)}


@pytest.mark.parametrize("where", ["topic", "home"])
def test_a_fast_hit_is_the_flask_hit_byte_for_byte(cached_app, client_as, make_topic, flask_requests, where):
    topic = make_topic(title="Card blocked abroad")
    url = _url(topic) if where == "topic" else "/"
    client_as().get(url)  # renders and stores
    fast = _hit(client_as(), url, flask_requests)
    cached_app.config["PAGE_CACHE_FAST"] = False
    slow = _hit(client_as(), url, flask_requests, fast=False)
    assert _without_personal_values(fast.get_data(as_text=True)) == _without_personal_values(
        slow.get_data(as_text=True)
    )
    fast_headers = dict(fast.headers)
    csp = fast_headers["Content-Security-Policy"]
    assert f"'nonce-{NONCE.search(fast.get_data(as_text=True)).group(1)}'" in csp
    strip = re.compile(r"nonce-[^']+")
    assert strip.sub("", csp) == strip.sub("", slow.headers["Content-Security-Policy"])
    for response in (fast, slow):
        response.headers.pop("Content-Security-Policy")
        response.headers.pop("X-Request-ID")
    assert re.sub("session=[^;]+", "", fast.headers.pop("Set-Cookie")) == re.sub(
        "session=[^;]+", "", slow.headers.pop("Set-Cookie")
    )
    assert dict(fast.headers) == dict(slow.headers)


def test_each_hit_has_its_own_nonce_and_a_token_that_a_form_accepts(
    cached_app, client_as, make_topic, customer, flask_requests
):
    url = _url(make_topic())
    client_as().get(url)
    visitor = client_as()
    first, second = _hit(visitor, url, flask_requests), _hit(visitor, url, flask_requests)  # the 2nd with a session
    nonces = [NONCE.search(r.get_data(as_text=True)).group(1) for r in (first, second)]
    assert nonces[0] != nonces[1]
    for response, nonce in zip((first, second), nonces, strict=True):
        assert set(NONCE.findall(response.get_data(as_text=True))) == {nonce}
        assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
    assert "Set-Cookie" in first.headers and "Set-Cookie" not in second.headers
    other = _hit(client_as(), url, flask_requests)
    assert CSRF.search(other.get_data(as_text=True)).group(1) != CSRF.search(second.get_data(as_text=True)).group(1)
    token = CSRF.search(second.get_data(as_text=True)).group(1)
    login = visitor.post_raw(
        "/login", data={"email": customer.email, "password": "correct-horse-battery", "csrf_token": token}
    )
    assert login.status_code == 302


def test_signed_in_users_and_other_sessions_never_get_a_fast_hit(
    cached_app, client_as, make_topic, make_user, flask_requests
):
    url = _url(make_topic())
    client_as().get(url)
    reader = client_as(make_user(name="Rita Reader"))
    before = len(flask_requests)
    mine = reader.get(url)
    assert len(flask_requests) == before + 1 and "X-Page-Cache" not in mine.headers
    assert "Rita Reader" in page_text(mine)
    flashed = client_as()
    with flashed.session_transaction() as session:
        session["_flashes"] = [("info", "Only for this visitor")]
    assert "Only for this visitor" in page_text(flashed.get(url))
    forged = client_as()
    forged.set_cookie("session", "eyJjc3JmX3Rva2VuIjoiYWJjIn0.forged.signature")
    remembered = client_as()
    remembered.set_cookie("remember_token", "1|whatever")
    before = len(flask_requests)
    for client in (forged, remembered):
        client.get(url).close()
    client_as().get(url, headers={"Authorization": "Bearer x"}).close()
    assert len(flask_requests) == before + 3


def test_a_comment_or_a_brand_change_shows_at_once(cached_app, client_as, make_topic, make_user, flask_requests):
    topic = make_topic()
    url = _url(topic)
    for _ in range(2):
        client_as().get(url).close()
        client_as().get("/").close()
    _hit(client_as(), url, flask_requests)
    response = client_as(make_user()).post(f"/t/{topic.id}/comments", {"body": "Try the app's card settings."})
    assert response.status_code == 302
    assert "Try the app's card settings." in page_text(client_as().get(url))
    assert "Try the app's card settings." in page_text(_hit(client_as(), url, flask_requests))
    english = {"Accept-Language": "en"}
    client_as().get("/", headers=english).close()
    _hit(client_as(), "/", flask_requests, headers=english)
    admin = client_as(make_user(role="admin"))
    saved = admin.post("/admin/branding", form_data(), content_type="multipart/form-data")
    assert saved.status_code == 302
    for path in (url, "/"):
        assert "Zenit Bank Community" in page_text(client_as().get(path, headers={"Accept-Language": "en"}))
        page = _hit(client_as(), path, flask_requests, headers={"Accept-Language": "en"})
        assert "Zenit Bank Community" in page_text(page)


def test_head_answers_with_the_headers_of_the_page(cached_app, client_as, make_topic, flask_requests):
    url = _url(make_topic())
    client_as().get(url)
    get = _hit(client_as(), url, flask_requests)
    before = len(flask_requests)
    head = client_as().head(url)
    assert len(flask_requests) == before and head.status_code == 200 and head.data == b""
    assert head.headers["X-Page-Cache"] == "hit" and head.headers["Content-Length"] == get.headers["Content-Length"]
    assert "'nonce-" in head.headers["Content-Security-Policy"]


def test_fast_hits_are_counted_and_logged(cached_app, client_as, make_topic, flask_requests, caplog):
    url = _url(make_topic())
    client_as().get(url).close()
    client_as().get("/").close()
    assert visits.flush() == 2  # the two pages rendered by Flask
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="otklik.request"):
        for n in range(3):
            response = _hit(client_as(), url, flask_requests, environ_base={"REMOTE_ADDR": f"192.0.2.{n}"})
        given = _hit(client_as(), url, flask_requests, headers={"X-Request-ID": "proxy-id-12345"})
        _hit(client_as(), "/", flask_requests, headers={"Referer": "https://www.google.com/"})
    assert given.headers["X-Request-ID"] == "proxy-id-12345"
    lines = [r for r in caplog.records if r.name == "otklik.request"]
    assert [(r.method, r.path, r.status) for r in lines] == [("GET", url, 200)] * 4 + [("GET", "/", 200)]
    assert lines[2].request_id == response.headers["X-Request-ID"]
    assert lines[3].request_id == "proxy-id-12345"
    assert visits.flush() == 5
    views = db.session.scalars(select(PageView).order_by(PageView.id)).all()[2:]
    assert [v.path for v in views] == [url] * 4 + ["/"] and views[-1].source == "search"
    assert len({v.visitor for v in views[:3]}) == 3
    client_as().head(url).close()
    assert visits.flush() == 0 and db.session.scalar(select(func.count()).select_from(PageView)) == 7


def test_languages_do_not_mix(cached_app, client_as, make_topic, flask_requests):
    url = _url(make_topic())
    pages = {}
    for lang in ("en", "ru", "uk"):
        client_as().get(url, headers={"Accept-Language": lang}).close()
        pages[lang] = _hit(client_as(), url, flask_requests, headers={"Accept-Language": f"{lang},en;q=0.5"})
        assert f'lang="{lang}"' in pages[lang].get_data(as_text=True)
    by_cookie = client_as()
    by_cookie.set_cookie("otklik_lang", "uk")
    page = _hit(by_cookie, url, flask_requests, headers={"Accept-Language": "ru"})
    assert _without_personal_values(page.get_data(as_text=True)) == _without_personal_values(
        pages["uk"].get_data(as_text=True)
    )
    assert len({_without_personal_values(p.get_data(as_text=True)) for p in pages.values()}) == 3


def test_with_redis_fast_hits_reach_the_shared_buffer_within_a_second(
    cached_app, client_as, make_topic, flask_requests
):
    if not cached_app.config.get("REDIS_URL"):
        pytest.skip("the views of fast hits are batched per second only in the Redis buffer")
    url = _url(make_topic())
    client_as().get(url).close()
    assert visits.flush() == 1
    for n in range(3):
        _hit(client_as(), url, flask_requests, environ_base={"REMOTE_ADDR": f"192.0.2.{n}"})
    shared = redis_conn.client(cached_app)  # what every other process and node reads
    deadline = time.monotonic() + 2 * visits.BATCH_SECONDS + 1
    while shared.llen(visits.buffer(cached_app).key) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert shared.llen(visits.buffer(cached_app).key) == 3
    assert visits.flush() == 3
