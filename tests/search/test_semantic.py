"""Matching by meaning (app/search/semantic_rank.py) through the real path: topics indexed by the outbox,
suggestions from the API, on the configured backend (Whoosh, or PostgreSQL with TEST_SEARCH_BACKEND)."""
import pytest
from sqlalchemy import delete, func, select

from app.extensions import db
from app.search import semantic
from app.search.backends import get_backend
from app.search.documents import Scope
from app.search.vector_models import SearchVector

pytestmark = pytest.mark.skipif(not semantic.available(), reason="natasha's navec vectors are not installed")


def suggested_ids(client, title, body=""):
    response = client.get("/api/v1/suggest", query_string={"title": title, "body": body})
    assert response.status_code == 200
    return [item["id"] for item in response.get_json()]


@pytest.fixture
def sms(make_topic):
    make_topic(title="Как перевыпустить карту после окончания срока", body="Карта истекает в мае.")
    return make_topic(title="SMS-уведомления не доставляются", body="Уведомления о покупках перестали доходить.")


def test_finds_a_thread_that_shares_no_word_with_the_request(app, client, sms):
    lexical = get_backend().search("приходит смс", Scope(), mode="suggest", limit=10).hits
    assert sms.id not in [hit.id for hit in lexical]          # no word in common: words alone miss it
    assert sms.id in suggested_ids(client, "приходит смс")


def test_without_the_semantic_signal_it_is_not_found(app, client, sms):
    app.config["SEARCH_SEMANTIC"] = False
    assert sms.id not in suggested_ids(client, "приходит смс")


def test_reindex_rebuilds_the_vectors(app, client, runner, sms):
    db.session.execute(delete(SearchVector))
    db.session.commit()
    assert sms.id not in suggested_ids(client, "приходит смс")
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(SearchVector)) == 2
    assert sms.id in suggested_ids(client, "приходит смс")


def test_a_deleted_thread_loses_its_vector(app, client, sms):
    db.session.delete(sms)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(SearchVector)) == 1


def test_the_blend_reranks_word_matches_by_meaning(app, client, make_topic):
    make_topic(title="Карта: лимит на снятие в банкомате", body="Какой лимит у карты?")
    sms = make_topic(title="Карта: SMS-уведомления не доставляются", body="Уведомления перестали доходить.")
    app.config["SEARCH_SEMANTIC_WEIGHT"] = 0.9
    assert suggested_ids(client, "карта приходит смс")[0] == sms.id
