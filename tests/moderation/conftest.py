"""Moderation tests search with the configured backend: Whoosh by default, PostgreSQL when
TEST_SEARCH_BACKEND=postgres (with TEST_DATABASE_URL)."""

import pytest

from tests.helpers import with_search_backend


@pytest.fixture
def app(app):
    yield from with_search_backend(app)


@pytest.fixture
def scene(community, customer, make_user, make_topic):
    """A customer's problem in Cards (the original) and another customer's duplicate of it, with voters."""
    other = make_user(name="Oleg Other")
    original = make_topic(
        author=customer,
        topic_type="problem",
        title="Card declined at airports abroad",
        category=community["cards"],
        mood="upset",
    )
    duplicate = make_topic(
        author=other,
        topic_type="problem",
        title="Payment refused in Riga airport shop",
        category=community["cards"],
        mood="upset",
    )
    return {**community, "customer": customer, "other": other, "original": original, "duplicate": duplicate}
