"""Real-Chromium browser tests: a live Otklik server in a thread and Playwright sessions that drive it.

Every test in this directory is marked `browser`. When `/usr/bin/chromium` is missing or Playwright cannot
be imported the directory is skipped with the reason, except under OTKLIK_REQUIRE_SERVICES=1 (CI), where
the tests fail instead.

The plain context managers `live_app()`, `live_app_server()` and `browser_session()` are what the fixtures use;
they can also be used from a script (for example to take screenshots of a page).
"""

import contextlib
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from app import create_app
from app.extensions import db
from tests.conftest import PG_URL, _config_for, _reset_postgres

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCALE = "en-US"
TIMEOUT_MS = 10_000
REQUIRE = os.environ.get("OTKLIK_REQUIRE_SERVICES") == "1"
_HERE = Path(__file__).resolve().parent


def _missing_requirement() -> str | None:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"browser tests need Chromium at {CHROMIUM}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        return f"browser tests need the playwright package ({error})"
    return None


MISSING = _missing_requirement()


def pytest_collection_modifyitems(config, items):
    # Called with every collected item of the session: only touch the ones in this directory.
    for item in items:
        if _HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _require_browser() -> None:
    if MISSING:
        if REQUIRE:
            pytest.fail(f"{MISSING} (OTKLIK_REQUIRE_SERVICES=1 turns the skip into a failure)", pytrace=False)
        pytest.skip(MISSING)


@pytest.fixture(autouse=True)
def _browser_requirements():
    _require_browser()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item so fixtures can tell at teardown whether the test failed.
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# --- live server ---------------------------------------------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    """The werkzeug handler without the access log on stderr (errors are still logged)."""

    def log_request(self, *args, **kwargs):
        pass


class LiveServer:
    def __init__(self, app, url: str):
        self.app = app
        self.url = url

    def __call__(self, path: str = "/") -> str:
        """Absolute URL for a path on the live server: live_server("/login")."""
        return self.url + path


@contextlib.contextmanager
def live_app_server(app):
    """Serve `app` on a free port of 127.0.0.1 in a background thread until the block ends."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="otklik-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@contextlib.contextmanager
def live_app(tmp_path):
    """A fresh app with empty tables (SQLite file under tmp_path, or TEST_DATABASE_URL reset), CSRF on."""
    app = create_app(_config_for(tmp_path))
    assert app.config.get("WTF_CSRF_ENABLED", True), "browser tests submit real forms: keep CSRF on"
    with app.app_context():
        if PG_URL:
            _reset_postgres()
        else:
            db.create_all()
        db.session.remove()
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def live_server(tmp_path):
    """The app served over real HTTP: `.url` (no trailing slash), `.app`; call it with a path for a URL.

    Set data up inside `with live_server.app.app_context():` and commit; the server's requests run in
    their own threads and app contexts.
    """
    # The Ukrainian->Russian table is built once per process on the first search or indexing (seconds on a busy
    # machine): build it before the browser waits on a click, as a production worker warms it at start.
    from app.search import translation

    translation.table()
    # A subdirectory, so a test that also uses the `app` fixture does not share its SQLite file.
    with live_app(tmp_path / "live") as app, live_app_server(app) as server:
        yield server


# --- browser sessions ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _playwright():
    _require_browser()  # session fixtures run before the autouse check above
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        yield playwright
    finally:
        playwright.stop()


@contextlib.contextmanager
def browser_session(playwright, user_data_dir, locale: str = LOCALE, **context_options):
    """A Chromium with its own, fresh and empty user-data-dir: cookies are not shared between sessions."""
    user_data_dir = Path(user_data_dir)
    user_data_dir.mkdir(parents=True, exist_ok=False)
    context = playwright.chromium.launch_persistent_context(
        user_data_dir=str(user_data_dir),
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        locale=locale,
        **context_options,
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


def page_of(context):
    """The tab a persistent context opens with (or a new one)."""
    return context.pages[0] if context.pages else context.new_page()


@pytest.fixture
def new_session(request, _playwright, live_server, tmp_path):
    """Factory: new_session(name="customer") -> a Page in its own Chromium with an empty user-data-dir.

    Each call is an independent browser (own cookies, own login). All are closed at teardown; if the
    test failed, a screenshot of every open page is saved to tmp_path/screenshots first.
    """
    stack = contextlib.ExitStack()
    pages = []

    def open_session(name: str = "session", locale: str = LOCALE, **context_options):
        name = f"{len(pages) + 1}-{name}"
        context = stack.enter_context(
            browser_session(_playwright, tmp_path / "profiles" / name, locale=locale, **context_options)
        )
        page = page_of(context)
        pages.append((name, page))
        return page

    with stack:
        yield open_session
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            _save_failure_screenshots(pages, tmp_path / "screenshots")


def _save_failure_screenshots(pages, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, page in pages:
        if page.is_closed():
            continue
        target = directory / f"{name}.png"
        try:
            page.screenshot(path=str(target), full_page=True)
        except Exception as error:
            print(f"could not save screenshot {target}: {error}")
        else:
            print(f"screenshot of {page.url} saved to {target}")


@pytest.fixture
def browser_page(new_session):
    """One Chromium page in a fresh session (English UI)."""
    return new_session("main")
