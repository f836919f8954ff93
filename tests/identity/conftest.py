"""Fixtures for sign-in through a real OpenID Connect provider on loopback (tests/oidc)."""

import re
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from app import create_app
from app.extensions import db, limiter
from tests.conftest import (
    PG_URL,
    CsrfClient,
    IsolatedFlaskClient,
    _config_for,
    _reset_postgres,
)
from tests.identity.oidc_server import require, running_provider

_FORM_ACTION = re.compile(r'<form method="post" action="([^"]+/login)"')


@pytest.fixture(scope="session")
def oidc_issuer():
    require()
    with running_provider() as issuer:
        yield issuer


def oidc_config(tmp_path, issuer, client_id="otklik"):
    class Config(_config_for(tmp_path)):
        OIDC_ISSUER = issuer
        OIDC_CLIENT_ID = client_id
        OIDC_CLIENT_SECRET = f"{client_id}-secret"
        OIDC_NAME = "Test SSO"
        OIDC_LEEWAY = 0

    return Config


@pytest.fixture
def make_oidc_app(tmp_path, oidc_issuer):
    """make_oidc_app(client_id="otklik") -> an app whose company SSO is the test provider."""
    apps = []

    def make(client_id="otklik"):
        app = create_app(oidc_config(tmp_path / f"app{len(apps)}", oidc_issuer, client_id))
        app.test_client_class = IsolatedFlaskClient
        with app.app_context():
            limiter.reset()  # counters in Redis outlive the app: each test starts from zero
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def oidc_app(make_oidc_app):
    app = make_oidc_app()
    with app.app_context():
        if PG_URL:
            _reset_postgres()
        else:
            db.create_all()
        yield app


@pytest.fixture
def oidc_client(oidc_app):
    client = CsrfClient(oidc_app.test_client())
    client.csrf_token()  # read while signed out: /login redirects once signed in
    return client


class ProviderBrowser:
    """The person at the provider: a requests session that signs in and follows redirects back to the app."""

    def __init__(self):
        self.http = requests.Session()

    def sign_in(
        self, authorize_url: str, login: str, email: str = "", verified: bool = False, cancel: bool = False
    ) -> str:
        """Sign in at the provider (unless its session already knows the person); returns the app's callback
        path with its query, not requested yet: the test sends it with the app's client."""
        page = self._walk(authorize_url)
        if isinstance(page, str):
            return page
        action = urljoin(page.url, _FORM_ACTION.search(page.text).group(1))
        if cancel:
            return self._walk(action.removesuffix("/login") + "/abort", method="post")
        return self._walk(
            action, method="post", data={"login": login, "email": email, "verified": "1" if verified else ""}
        )

    def _walk(self, url: str, method: str = "get", data=None):
        response = self.http.request(method, url, data=data, allow_redirects=False, timeout=10)
        for _ in range(10):
            if response.status_code not in (301, 302, 303, 307, 308):
                response.raise_for_status()
                return response
            location = urljoin(response.url, response.headers["Location"])
            if location.startswith("http://localhost/"):
                parts = urlsplit(location)
                return f"{parts.path}?{parts.query}"
            response = self.http.get(location, allow_redirects=False, timeout=10)
        raise AssertionError("the provider did not send the browser back to the app")


@pytest.fixture
def provider_browser():
    browser = ProviderBrowser()
    yield browser
    browser.http.close()
