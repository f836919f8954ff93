"""The suggest cache across processes (app/search/suggest_cache.py): two apps on one database and one Redis
stand for two nodes (or a web node and the worker). What a customer sees through the suggest API of the node
that did not write the index.

Needs PostgreSQL (TEST_DATABASE_URL, TEST_SEARCH_BACKEND=postgres) and REDIS_URL: the shared version lives in
Redis, and the per-process memo that used to be frozen into the cache is the PostgreSQL backend's."""

import os

import pytest

from app import create_app
from tests.conftest import PG_URL, _config_for

REDIS_URL = os.environ.get("REDIS_URL", "")


@pytest.fixture
def other_node(app, tmp_path):
    if not (PG_URL.startswith("postgresql") and REDIS_URL and app.config["SEARCH_BACKEND"] == "postgres"):
        pytest.skip("two nodes need PostgreSQL (TEST_SEARCH_BACKEND=postgres) and REDIS_URL")

    class Node(_config_for(tmp_path / "other")):
        SEARCH_CACHE_PREFIX = app.config["SEARCH_CACHE_PREFIX"]  # one community: one shared cache and version
        REDIS_URL = app.config["REDIS_URL"]
        SEARCH_SUGGEST_CACHE = True
        SEARCH_BACKEND = "postgres"

    node = create_app(Node)
    yield node
    with node.app_context():
        from app.extensions import db

        db.session.remove()
        db.engine.dispose()


def suggested(node, title: str) -> set[int]:
    response = node.test_client().get("/api/v1/suggest", query_string={"title": title})
    assert response.status_code == 200
    return {item["id"] for item in response.get_json()}


def test_a_topic_indexed_by_another_process_is_suggested_at_once(app, other_node, make_topic, community):
    """Node B asks before any topic exists (its backend memoises "0 documents"); node A's process indexes
    a topic and moves the shared version; B's next suggest must rank afresh with what the index holds now,
    not with its memo (which used to be cached under the new version, so B never suggested the topic)."""
    assert suggested(other_node, "cashback fuel") == set()
    topic = make_topic(title="Cashback not credited for fuel", body="No cashback yet.", category=community["cards"])
    assert topic.id in suggested(app, "cashback fuel")  # the node that indexed it
    assert topic.id in suggested(other_node, "cashback fuel")  # and the other one, at once

    # The first topic could reach B through A's shared entry; the second is ranked by B itself, first.
    second = make_topic(title="Cashback for fuel is missing again", body="Still none.", category=community["cards"])
    assert {topic.id, second.id} <= suggested(other_node, "cashback fuel")
