"""Knowledge-base tests search with the configured backend, like tests/search: Whoosh by default, PostgreSQL
when TEST_SEARCH_BACKEND=postgres (with TEST_DATABASE_URL)."""
import os

import pytest

BACKEND = os.environ.get("TEST_SEARCH_BACKEND", "whoosh")


@pytest.fixture
def app(app):
    app.config["SEARCH_BACKEND"] = BACKEND
    app.extensions.pop("otklik_search", None)
    yield app
    backend = app.extensions.pop("otklik_search", None)
    if backend is not None:
        backend.close()
