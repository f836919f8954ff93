"""Knowledge-base tests search with the configured backend, like tests/search: Whoosh by default, PostgreSQL
when TEST_SEARCH_BACKEND=postgres (with TEST_DATABASE_URL)."""

import pytest

from tests.helpers import with_search_backend


@pytest.fixture
def app(app):
    yield from with_search_backend(app)
