"""Learning tests search with the configured backend: Whoosh by default, PostgreSQL when
TEST_SEARCH_BACKEND=postgres (with TEST_DATABASE_URL)."""

import pytest

from tests.helpers import with_search_backend


@pytest.fixture
def app(app):
    app.config["PHRASINGS_MIN_CUSTOMERS"] = 3
    app.config["PHRASINGS_SETTLE_MINUTES"] = 0  # `flask learning settle` counts every click at once
    yield from with_search_backend(app)
