"""Moderation tests search with the configured backend: Whoosh by default, PostgreSQL when
TEST_SEARCH_BACKEND=postgres (with TEST_DATABASE_URL)."""
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


@pytest.fixture
def scene(community, customer, make_user, make_topic):
    """A customer's problem in Cards (the original) and another customer's duplicate of it, with voters."""
    other = make_user(name="Oleg Other")
    original = make_topic(author=customer, topic_type="problem", title="Card declined at airports abroad",
                          category=community["cards"], mood="upset")
    duplicate = make_topic(author=other, topic_type="problem", title="Payment refused in Riga airport shop",
                           category=community["cards"], mood="upset")
    return {**community, "customer": customer, "other": other, "original": original, "duplicate": duplicate}
