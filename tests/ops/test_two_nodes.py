"""Two web nodes share only PostgreSQL and Redis: two gunicorn processes on different ports and one
`flask worker` (RQ), as in a multi-node install. A topic posted on node A is on node B's pages and in its
suggestions within 2 s; a session from A works on B; limits hit on A hold on B; an administrator's brand change
on A shows on B at once.

Needs TEST_DATABASE_URL (PostgreSQL) and REDIS_URL; skips without them unless OTKLIK_REQUIRE_SERVICES=1."""

import io
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from tests.conftest import PG_URL
from tests.sockets import free_port

ROOT = Path(__file__).resolve().parents[2]
REQUIRE = os.environ.get("OTKLIK_REQUIRE_SERVICES") == "1"
REDIS_URL = os.environ.get("REDIS_URL", "")
PASSWORD = "correct-horse-battery"
CSRF_RE = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def _missing() -> str | None:
    if not PG_URL.startswith("postgresql"):
        return "the two-node test needs PostgreSQL (TEST_DATABASE_URL=postgresql://...)"
    if not REDIS_URL:
        return "the two-node test needs Redis (REDIS_URL=redis://...)"
    return None


def _reachable_or_fail() -> None:
    """Configured but not answering: a skip locally, a failure under OTKLIK_REQUIRE_SERVICES=1 (CI)."""
    import redis
    import sqlalchemy

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        engine = sqlalchemy.create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.connect():
            pass
        engine.dispose()
    except Exception as error:
        reason = f"the two-node test cannot reach PostgreSQL or Redis: {error}"
        if REQUIRE:
            pytest.fail(f"{reason} (OTKLIK_REQUIRE_SERVICES=1 turns the skip into a failure)", pytrace=False)
        pytest.skip(reason)


def _log_file(tmp: Path):
    """A process's stderr goes to a file, never a pipe: a pipe nobody reads fills up and blocks the process."""
    return open(tmp / f"stderr-{uuid.uuid4().hex[:8]}.log", "w+")


def _start(command: list[str], tmp: Path, env: dict) -> subprocess.Popen:
    log = _log_file(tmp)
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log, text=True)
    proc.log = log
    return proc


def _errors(proc: subprocess.Popen) -> str:
    proc.log.seek(0)
    return proc.log.read()


def _wait_up(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url} exited: {_errors(proc)[-2000:]}")
        try:
            if requests.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not start in {timeout} s")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    missing = _missing()
    if missing:  # CI's SQLite run is the embedded default (no PostgreSQL, no Redis); its second run has both
        pytest.skip(missing)
    _reachable_or_fail()
    from app import create_app
    from app.admin import services as admin_services
    from app.auth import services as auth_services
    from app.extensions import db
    from app.staff import services as staff_services
    from tests.conftest import _config_for, _reset_postgres

    tmp = tmp_path_factory.mktemp("cluster")
    app = create_app(_config_for(tmp))
    with app.app_context():
        _reset_postgres()
        department = staff_services.create_department("Private clients")
        db.session.flush()
        category = admin_services.create_category("Cards", department.id)
        auth_services.register_user("carol@test.example", PASSWORD, "Carol Customer")
        auth_services.register_user("ada@test.example", PASSWORD, "Ada Admin", role="admin")
        db.session.commit()
        category_id = category.id
        db.session.remove()
        db.engine.dispose()

    env = {
        **os.environ,
        "OTKLIK_ENV": "development",
        "FLASK_APP": "wsgi.py",
        "DATABASE_URL": PG_URL,
        "REDIS_URL": REDIS_URL,
        "SEARCH_BACKEND": "postgres",
        "SECRET_KEY": uuid.uuid4().hex,
        "JOBS_MODE": "rq",
        "REDIS_PREFIX": f"nodes-{uuid.uuid4().hex[:8]}",  # this run's keys only: its queue, counts, caches
        "RATELIMIT_SUGGEST": "100000/minute",  # the test polls suggest while it waits for the worker
        "RATELIMIT_POST_NEW": "30/minute",  # Carol (a new account) posts more than 3 times a minute here
        "JOBS_SWEEP_SECONDS": "5",
        "MAIL_BACKEND": "outbox",
        "UPLOAD_DIR": str(tmp / "shared-uploads"),
        "UPLOAD_HOURLY_LIMIT": "2",
        "SEARCH_INDEX_DIR": str(tmp / "unused-index"),
        "LOG_LEVEL": "WARNING",
    }
    procs, urls = [], []
    try:
        for _ in range(2):
            port = free_port()
            gunicorn = [sys.executable, "-m", "gunicorn", "-w", "1", "--threads", "4", "-b", f"127.0.0.1:{port}"]
            procs.append(_start([*gunicorn, "wsgi:app"], tmp, env))
            urls.append(f"http://127.0.0.1:{port}")
        procs.append(_start([sys.executable, "-m", "flask", "worker"], tmp, env))
        for url, proc in zip(urls, procs):
            _wait_up(url, proc)
        cluster = {"a": urls[0], "b": urls[1], "category_id": category_id}
        _warm_up(cluster, procs[2])
        yield cluster
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            proc.log.close()


def _csrf(session: requests.Session, url: str) -> str:
    return CSRF_RE.search(session.get(url, timeout=10).text).group(1)


def _login(
    session: requests.Session, node: str, password: str = PASSWORD, email: str = "carol@test.example"
) -> requests.Response:
    token = _csrf(session, f"{node}/login")
    return session.post(
        f"{node}/login",
        data={"csrf_token": token, "email": email, "password": password},
        allow_redirects=False,
        timeout=10,
    )


def _post_topic(browser, node, category_id, title) -> tuple[int, str]:
    token = _csrf(browser, f"{node}/new")
    posted = browser.post(
        f"{node}/new",
        data={
            "csrf_token": token,
            "type": "problem",
            "title": title,
            "body": "Bought fuel on Monday, no cashback yet.",
            "category_id": category_id,
            "mood": "upset",
            "confirmed": "1",
        },
        allow_redirects=False,
        timeout=10,
    )
    assert posted.status_code == 302, posted.text[:300]
    path = posted.headers["Location"].split("://", 1)[-1]
    path = path[path.index("/t/") :]
    return int(path.split("/t/")[1].split("-")[0]), path


def _suggested(node, title) -> list[int]:
    response = requests.get(f"{node}/api/v1/suggest", params={"title": title}, timeout=10)
    assert response.status_code == 200, response.text[:300]
    return [hit["id"] for hit in response.json()]


def _warm_up(cluster, worker) -> None:
    """Processes load the dictionaries on first use: one topic through the whole path before measuring."""
    browser = requests.Session()
    assert _login(browser, cluster["a"]).status_code == 302
    topic_id, _ = _post_topic(browser, cluster["a"], cluster["category_id"], "Warm-up question about deposits")
    deadline = time.monotonic() + 90
    while topic_id not in _suggested(cluster["b"], "warm-up question deposits"):
        if worker.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the worker did not index the warm-up topic: {_errors(worker)[-3000:]}")
        time.sleep(0.2)


def test_a_topic_posted_on_a_is_seen_and_suggested_on_b_within_2_s_and_the_session_travels(cluster):
    a, b = cluster["a"], cluster["b"]
    browser = requests.Session()  # one browser: cookies for 127.0.0.1 go to both nodes, as behind one proxy
    assert _login(browser, a).status_code == 302
    settings = browser.get(f"{b}/settings", allow_redirects=False, timeout=10)
    assert settings.status_code == 200 and "Carol Customer" in settings.text  # signed in on B too

    topic_id, topic_path = _post_topic(browser, a, cluster["category_id"], "Cashback not credited for fuel purchase")
    posted_at = time.monotonic()

    found = page_ok = False
    while time.monotonic() - posted_at < 2 and not (found and page_ok):
        page_ok = page_ok or (requests.get(f"{b}{topic_path}", timeout=2).status_code == 200)
        found = found or topic_id in _suggested(b, "cashback not credited fuel")
        time.sleep(0.05)
    assert page_ok, "the topic page is not on node B"
    assert found, "node B does not suggest the topic posted on node A within 2 s"


def test_a_brand_change_on_a_shows_on_b_at_once(cluster):
    from tests.branding.conftest import form_data

    a, b = cluster["a"], cluster["b"]
    admin = requests.Session()
    assert _login(admin, a, email="ada@test.example").status_code == 302
    assert "Two Nodes Bank" not in requests.get(f"{b}/?lang=en", timeout=10).text
    token = _csrf(admin, f"{a}/admin/branding")
    data = form_data(csrf_token=token, name_en="Two Nodes Bank", primary_color="#5b2a86")
    saved = admin.post(f"{a}/admin/branding", data=data, allow_redirects=False, timeout=10)
    assert saved.status_code == 302, saved.text[:500]

    page = requests.get(f"{b}/?lang=en", timeout=10).text  # at once: no waiting
    assert "Two Nodes Bank" in page
    css_href = re.search(r'href="(/brand\.css[^"]*)"', page).group(1).replace("&amp;", "&")
    assert "--brand: #5b2a86;" in requests.get(f"{b}{css_href}", timeout=10).text


def test_pages_cached_on_b_follow_a_comment_and_a_brand_change_on_a_at_once(cluster):
    """Anonymous hits on B come from the page cache's fast path (app/common/fastpath.py); a change committed on
    A shows on B's next request, and B's cache then serves the new page."""
    from tests.branding.conftest import form_data

    a, b = cluster["a"], cluster["b"]
    author, admin, visitor = requests.Session(), requests.Session(), requests.Session()
    visitor.headers["Accept-Language"] = "en"
    assert _login(author, a).status_code == 302
    assert _login(admin, a, email="ada@test.example").status_code == 302
    topic_id, topic_path = _post_topic(author, a, cluster["category_id"], "Card limit raised without asking")

    def hit(path: str) -> str:
        for _ in range(2):
            response = visitor.get(f"{b}{path}", timeout=10)
            assert response.status_code == 200
        assert response.headers.get("X-Page-Cache") == "hit", path
        return response.text

    hit(topic_path), hit("/")
    token = _csrf(author, f"{a}{topic_path}")
    comment = author.post(
        f"{a}/t/{topic_id}/comments",
        data={"csrf_token": token, "body": "Same here since Tuesday."},
        allow_redirects=False,
        timeout=10,
    )
    assert comment.status_code == 302, comment.text[:300]
    assert "Same here since Tuesday." in visitor.get(f"{b}{topic_path}", timeout=10).text  # at once
    assert "Same here since Tuesday." in hit(topic_path)

    token = _csrf(admin, f"{a}/admin/branding")
    saved = admin.post(
        f"{a}/admin/branding", data=form_data(csrf_token=token, name_en="Fast Path Bank"), allow_redirects=False
    )
    assert saved.status_code == 302, saved.text[:500]
    for path in ("/", topic_path):
        assert "Fast Path Bank" in visitor.get(f"{b}{path}", timeout=10).text, path  # at once
        assert "Fast Path Bank" in hit(path)


def test_limits_hit_on_a_hold_on_b(cluster):
    a, b = cluster["a"], cluster["b"]
    browser = requests.Session()
    assert _login(browser, a).status_code == 302

    # The upload limit (UPLOAD_HOURLY_LIMIT=2 for these nodes): two images on A, the third refused on B.
    from PIL import Image

    def png() -> bytes:
        buffer = io.BytesIO()
        Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
        return buffer.getvalue()

    token = _csrf(browser, f"{a}/new")
    for node, expected in ((a, 201), (a, 201), (b, 429)):
        response = browser.post(
            f"{node}/uploads", files={"file": ("p.png", png(), "image/png")}, headers={"X-CSRFToken": token}, timeout=10
        )
        assert response.status_code == expected, response.text[:300]

    # The sign-in limit (Flask-Limiter on Redis, RATELIMIT_SIGNIN per address): spent on A, refused on B.
    stranger = requests.Session()
    statuses = []
    while 429 not in statuses and len(statuses) < 40:  # the other tests' sign-ins from this address count too
        statuses.append(_login(stranger, a, password="wrong-password").status_code)
    assert statuses[-1] == 429, statuses
    assert _login(stranger, b, password="wrong-password").status_code == 429
