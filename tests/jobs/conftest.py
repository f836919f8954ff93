"""Helpers for the background-job tests: the real SMTP server of tests/notify, Redis when configured, and
running `flask ...` in a subprocess against the test's own database, as an operator would."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import PG_URL
from tests.notify.conftest import mail, smtp_server  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parents[2]
REQUIRE = os.environ.get("OTKLIK_REQUIRE_SERVICES") == "1"


def need_redis() -> str:
    """REDIS_URL, or a skip: unset (CI's SQLite run is the embedded default, without Redis), or set but not
    answering (a failure under OTKLIK_REQUIRE_SERVICES=1, as in CI's Redis run)."""
    url = os.environ.get("REDIS_URL", "")
    if not url:
        pytest.skip("REDIS_URL is not set (e.g. redis://127.0.0.1:6379/6): the RQ queue is not tested")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        reason = f"Redis at {url} does not answer: {error}"
        if REQUIRE:
            pytest.fail(f"{reason} (OTKLIK_REQUIRE_SERVICES=1 turns the skip into a failure)", pytrace=False)
        pytest.skip(reason)
    return url


@pytest.fixture
def rq_app(app):
    """The test app switched to the real queue: RQ on Redis, a queue name of its own."""
    url = need_redis()
    app.config.update(REDIS_URL=url, JOBS_MODE="rq", JOBS_QUEUE=f"test-{uuid.uuid4().hex[:12]}")
    app.extensions.pop("otklik.redis", None)
    yield app
    from app.jobs.queue import redis_connection

    conn = redis_connection(app)
    for key in conn.scan_iter(f"*{app.config['JOBS_QUEUE']}*"):
        conn.delete(key)


def flask_env(app, **extra) -> dict:
    config = app.config
    env = {
        **os.environ,
        "OTKLIK_ENV": "development",
        "FLASK_APP": "wsgi.py",
        "DATABASE_URL": PG_URL or config["SQLALCHEMY_DATABASE_URI"],
        "SEARCH_BACKEND": config["SEARCH_BACKEND"],
        "SEARCH_INDEX_DIR": config["SEARCH_INDEX_DIR"],
        "UPLOAD_DIR": config["UPLOAD_DIR"],
        "PUBLIC_URL": config["PUBLIC_URL"],
        "MAIL_BACKEND": config["MAIL_BACKEND"],
        "MAIL_SERVER": str(config["MAIL_SERVER"]),
        "MAIL_PORT": str(config["MAIL_PORT"]),
        "JOBS_MODE": "off",
        "REDIS_URL": "",
    }
    env.update({key: str(value) for key, value in extra.items()})
    return env


def flask_popen(app, *args, **extra) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "flask", *args],
        cwd=ROOT,
        env=flask_env(app, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
