"""Several installs sharing one Redis (docs/deployment.md): each names every key and channel with its own
REDIS_PREFIX, so one never serves another's cached page, counts its page views or its sign-in attempts, or runs
its jobs. Needs Redis (CI's Redis run); skipped without it."""

import uuid

import pytest

from tests.conftest import CsrfClient, _config_for, built_app
from tests.helpers import page_text
from tests.jobs.conftest import need_redis


def _install(tmp_path, name: str, url: str):
    """An install's settings as an operator leaves them: only REDIS_URL, REDIS_PREFIX and its name set (the test
    suite's own per-app prefixes are taken off, so every name is derived from REDIS_PREFIX)."""

    class Install(_config_for(tmp_path / name)):
        REDIS_URL = url
        REDIS_PREFIX = f"{name}-{uuid.uuid4().hex[:8]}"
        COMMUNITY_NAME = f"{name.title()} Bank"
        PAGE_CACHE = True
        PAGE_CACHE_PREFIX = ""
        SEARCH_CACHE_PREFIX = ""
        ANALYTICS_REDIS_KEY = ""
        RATELIMIT_STORAGE_URI = url
        RATELIMIT_STORAGE_OPTIONS = {}
        RATELIMIT_KEY_PREFIX = ""
        JOBS_MODE = "rq"
        JOBS_QUEUE = ""

    return Install


@pytest.fixture
def alpha(tmp_path):
    url = need_redis()
    yield from built_app(_install(tmp_path, "alpha", url))
    import redis

    client = redis.Redis.from_url(url)
    for pattern in ("alpha-*", "beta-*", "*/alpha-*", "*/beta-*", "rq:*alpha-*"):
        for key in client.scan_iter(pattern, count=1000):
            client.delete(key)


def _keys(app) -> set[str]:
    from app.common import redis_conn

    return {key.decode() for key in redis_conn.client(app).scan_iter(count=1000)}


def _home(app):
    """The home page as a new visitor sees it (no cookie: the page cache's customer)."""
    return app.test_client().get("/")


def _fail_a_sign_in(app, times: int = 1):
    """A stranger from one address tries a wrong password `times` times; the last response."""
    client = CsrfClient(app.test_client())
    client.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    for _ in range(times):
        response = client.post("/login", {"email": "nobody@test.example", "password": "wrong"})
    return response


def test_every_key_an_install_writes_is_under_its_prefix(alpha):
    from app.analytics import visits
    from app.branding import store as settings_store
    from app.extensions import db
    from app.jobs import queue
    from app.search import suggest_cache

    before = _keys(alpha)
    for _ in range(2):
        assert _home(alpha).status_code == 200
    assert _fail_a_sign_in(alpha).status_code == 422
    assert alpha.test_client().get("/api/v1/suggest", query_string={"title": "card blocked"}).status_code == 200
    settings_store.write("brand", {"name": {"en": "Alpha"}})
    db.session.commit()
    queue.enqueue("search.drain")
    written = _keys(alpha) - before

    prefix = alpha.config["REDIS_PREFIX"]
    rq_keys = {key for key in written if key.startswith("rq:")}
    ours = written - rq_keys
    assert {key for key in ours if not key.startswith(f"{prefix}:") and f"/{prefix}/" not in key} == set()
    kinds = {key.removeprefix(f"{prefix}:").split(":")[0] for key in ours if key.startswith(f"{prefix}:")}
    assert {"page", "settings", prefix} <= kinds, kinds  # page cache, settings, jobs (<prefix>:<queue>:...)
    assert any(f"/{prefix}/" in key for key in ours), ours  # Flask-Limiter's counters
    assert f"rq:queue:{prefix}" in rq_keys  # RQ's keys are named by the queue: JOBS_QUEUE defaults to the prefix
    with alpha.test_request_context("/"):
        assert suggest_cache._prefix() == prefix
    assert visits.buffer(alpha).key == f"{prefix}:analytics:views"


def test_two_installs_on_one_redis_never_serve_each_others_pages_nor_share_counts(alpha, tmp_path):
    from app import create_app
    from app.extensions import db

    assert "Alpha Bank" in page_text(_home(alpha))
    assert _home(alpha).headers.get("X-Page-Cache") == "hit"
    assert _fail_a_sign_in(alpha, times=6).status_code == 422  # alpha's limit: 6 a minute per address
    assert _fail_a_sign_in(alpha).status_code == 429

    beta = create_app(_install(tmp_path, "beta", alpha.config["REDIS_URL"]))
    with beta.app_context():
        db.create_all()  # SQLite: beta's own file; PostgreSQL: the test database's tables are there
    try:
        home = _home(beta)
        assert home.status_code == 200 and "X-Page-Cache" not in home.headers
        assert "Beta Bank" in page_text(home) and "Alpha Bank" not in page_text(home)
        assert _fail_a_sign_in(beta).status_code == 422  # beta counts its own attempts from the same address
    finally:
        with beta.app_context():
            db.session.remove()
            db.engine.dispose()
