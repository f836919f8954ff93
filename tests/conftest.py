"""Fixtures in the style of the Flask tutorial: a fresh app per test, a client, a runner, an auth helper,
and small factories that build data through the real services."""

import os
import re
import uuid

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

from app import create_app
from app.extensions import db
from config import TestConfig

pytest_plugins = ["tests.factories"]


PG_URL = os.environ.get("TEST_DATABASE_URL", "")
_CSRF_RE = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
_pg_schema_ready = False


def _config_for(tmp_path):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = PG_URL or f"sqlite:///{tmp_path / 'test.db'}"
        SEARCH_INDEX_DIR = str(tmp_path / "search_index")
        UPLOAD_DIR = str(tmp_path / "uploads")
        # The per-process page store's generation is this file's time: the default, instance/page-cache.stamp, is
        # shared by every app of every process (a commit of another test or xdist worker would change it).
        PAGE_CACHE_STAMP = str(tmp_path / "page-cache.stamp")
        # Rate limits: every test app counts afresh (memory: a new store; Redis: keys of its own).
        RATELIMIT_STORAGE_OPTIONS = {"key_prefix": f"otklik-test-{uuid.uuid4().hex}"}
        ANALYTICS_REDIS_KEY = f"otklik-test-{uuid.uuid4().hex}:analytics:views"  # page views buffered per app
        SEARCH_CACHE_PREFIX = f"otklik-test-{uuid.uuid4().hex}"  # suggest cache entries of this app only
        # Page cache generations and their announcements (pub/sub channels are shared by every Redis database).
        PAGE_CACHE_PREFIX = f"otklik-test-{uuid.uuid4().hex}:"
        REDIS_PREFIX = f"otklik-test-{uuid.uuid4().hex}"  # every other key: settings versions, job markers

    return Config


def _reset_postgres():
    global _pg_schema_ready
    if not _pg_schema_ready:
        db.drop_all()
        db.create_all()
        _pg_schema_ready = True
        return
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.session.commit()


def built_app(config, features=None):
    """Generator for `app`-like fixtures: the application for `config` with an empty database, in its context."""
    app = create_app(config, features=features)
    app.test_client_class = IsolatedFlaskClient
    with app.app_context():
        if PG_URL:
            _reset_postgres()
        else:
            db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(tmp_path):
    yield from built_app(_config_for(tmp_path))


class IsolatedFlaskClient(FlaskClient):
    """Runs every request in its own application context, as a real server does.

    The `app` fixture keeps an application context open for the whole test, and Flask reuses an open
    context for requests. Without this, `g` (Flask-Login's current user, Flask-Babel's locale, Flask-WTF's
    CSRF token) and the database session would leak from one request, or one client, into the next.
    Afterwards the test's own session is rolled back, so the test sees what the request committed and
    nothing a failed request left unflushed (a real server discards that when the request ends).
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.rollback()
        return response


class CsrfClient:
    """Wraps the test client: post() adds the CSRF token the page would carry."""

    def __init__(self, client):
        self._client = client
        self._token = None

    def __getattr__(self, name):
        return getattr(self._client, name)

    def csrf_token(self) -> str:
        if self._token is None:
            page = self._client.get("/login").get_data(as_text=True)
            self._token = _CSRF_RE.search(page).group(1)
        return self._token

    def post(self, url, data=None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self._client.post(url, data=data, **kwargs)

    def post_raw(self, url, **kwargs):
        return self._client.post(url, **kwargs)


@pytest.fixture
def client(app):
    return CsrfClient(app.test_client())


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email="customer@test.example", password="correct-horse-battery"):
        response = self._client.post("/login", {"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def client_as(app):
    """Factory: client_as(user) -> a new client (own cookies) logged in as `user`; client_as() is anonymous."""

    def make(user=None):
        new_client = CsrfClient(app.test_client())
        if user is not None:
            AuthActions(new_client).login(user.email)
        return new_client

    return make
