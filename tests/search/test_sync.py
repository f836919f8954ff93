"""The index follows the database: through the outbox, after commit, repaired by `flask search sync`."""

import pytest
from sqlalchemy import func, select, text

from app.community import services
from app.extensions import db
from app.search import analysis, outbox
from app.search.backends import get_backend
from app.search.models import SearchOutbox


def suggested_ids(client, title, body=""):
    response = client.get("/api/v1/suggest", query_string={"title": title, "body": body})
    assert response.status_code == 200
    return [item["id"] for item in response.get_json()]


@pytest.fixture
def ask(client, auth, customer, community):
    auth.login()

    def post(title, body="My card was blocked after I entered the PIN three times.", **extra):
        data = {
            "type": "question",
            "title": title,
            "body": body,
            "category_id": community["cards"].id,
            "mood": "upset",
            "confirmed": "1",
            **extra,
        }
        response = client.post("/new", data)
        assert response.status_code == 302, response.get_data(as_text=True)[:400]
        return int(response.headers["Location"].split("/t/")[1].split("-")[0])

    return post


def test_new_topic_is_suggested_right_after_it_is_posted(client, ask):
    topic_id = ask("Card blocked after three wrong PIN attempts")
    assert suggested_ids(client, "blocked card wrong PIN")[:1] == [topic_id]
    assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) == 0


def test_edited_title_changes_the_hit(client, ask):
    topic_id = ask("Card blocked after three wrong PIN attempts")
    response = client.post(
        f"/t/{topic_id}/edit",
        {
            "title": "Mortgage refinancing rates for families",
            "body": "What rates do you offer to refinance a mortgage?",
        },
    )
    assert response.status_code == 302
    assert topic_id in suggested_ids(client, "mortgage refinancing rates")
    assert topic_id not in suggested_ids(client, "blocked card wrong PIN")


def test_hidden_deleted_and_private_topics_disappear(client, auth, ask, community, make_user):
    hidden = ask("Cashback was not credited for groceries")
    private = ask("Cashback missing on my salary card", is_private="y")
    deleted = ask("Cashback disappeared after the card reissue")
    assert client.post(f"/t/{deleted}/delete").status_code == 302
    auth.logout()
    auth.login("moderator@test.example")
    assert client.post(f"/t/{hidden}/hide").status_code == 302
    seen_by_moderator = suggested_ids(client, "cashback not credited card")
    assert hidden in seen_by_moderator and private in seen_by_moderator and deleted not in seen_by_moderator
    auth.logout()
    make_user(email="other@test.example")
    auth.login("other@test.example")
    assert suggested_ids(client, "cashback not credited card") == []
    page = client.get("/search", query_string={"q": "cashback"}).get_data(as_text=True)
    assert "Cashback" not in page
    auth.logout()
    auth.login()  # the author sees their private topic, not the hidden or deleted ones
    assert suggested_ids(client, "cashback not credited card") == [private]


def test_rollback_indexes_nothing(app, client, customer, community):
    services.create_topic(
        customer,
        "question",
        "Rolled back question about deposits",
        "Details here.",
        community["cards"].id,
        mood="indifferent",
    )
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) == 0
    assert get_backend().keys() == set()
    assert suggested_ids(client, "rolled back question deposits") == []


def test_crash_between_commit_and_indexing_is_repaired_by_sync(app, client, runner, customer, community, monkeypatch):
    backend = get_backend()

    def crash(docs):
        raise RuntimeError("the process died before the index was written")

    monkeypatch.setattr(backend, "upsert", crash)
    topic = services.create_topic(
        customer,
        "question",
        "Currency exchange rate in the mobile app",
        "Which rate applies on weekends?",
        community["cards"].id,
        mood="indifferent",
    )
    db.session.commit()  # the request is saved even though indexing failed
    assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) >= 1
    monkeypatch.undo()
    assert suggested_ids(client, "currency exchange rate weekend") == []
    verify = runner.invoke(args=["search", "verify"])
    assert verify.exit_code != 0 and "missing from index: topic" in verify.output
    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code == 0, result.output
    assert suggested_ids(client, "currency exchange rate weekend") == [topic.id]
    assert runner.invoke(args=["search", "verify"]).exit_code == 0


def test_deferred_sync_leaves_rows_for_the_cli(app, client, runner, customer, community):
    app.config["SEARCH_SYNC"] = "deferred"
    topic = services.create_topic(
        customer, "problem", "Transfer to another bank is stuck", "Since Monday.", community["cards"].id, mood="upset"
    )
    db.session.commit()
    assert suggested_ids(client, "transfer stuck another bank") == []
    assert outbox.pending_count() == 1
    assert runner.invoke(args=["search", "sync"]).exit_code == 0
    assert suggested_ids(client, "transfer stuck another bank") == [topic.id]


def test_reindex_rebuilds_from_the_database(app, client, runner, make_topic):
    topics = [make_topic(title=f"Savings account question number {n}") for n in range(3)]
    get_backend().clear()
    assert suggested_ids(client, "savings account question") == []
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexed 3 documents" in result.output
    assert set(suggested_ids(client, "savings account question")) == {t.id for t in topics}


def test_recount_rebuilds_the_postgresql_statistics_after_a_bulk_load(runner, make_topic):
    topics = [make_topic(title=f"Deposit rate question number {n}", body="What rate applies?") for n in range(3)]
    if get_backend().name != "postgres":
        result = runner.invoke(args=["search", "recount"])
        assert result.exit_code == 0 and "nothing to do" in result.output
        return
    stats_sql = text("SELECT documents, title_terms, rest_terms FROM search_stats")
    kept = db.session.execute(stats_sql).one()
    assert kept[0] == len(topics)
    db.session.execute(text("DELETE FROM search_stats"))  # as after documents copied in bulk SQL
    db.session.commit()
    result = runner.invoke(args=["search", "recount"])
    assert result.exit_code == 0, result.output
    assert "from 3 documents" in result.output
    assert db.session.execute(stats_sql).one() == kept


def test_verify_tells_an_index_built_by_another_analyser_to_be_rebuilt(runner, make_topic, monkeypatch):
    make_topic(title="Не працює ліфт у під'їзді")
    assert runner.invoke(args=["search", "verify"]).exit_code == 0
    assert get_backend().indexed_fingerprint() == analysis.fingerprint()
    # e.g. the Russian-Ukrainian dictionary installed after the index was built
    monkeypatch.setattr(analysis, "fingerprint", lambda: "0123456789ab")
    result = runner.invoke(args=["search", "verify"])
    assert result.exit_code != 0
    assert "another analyser" in result.output and "0123456789ab" in result.output
    assert "flask search reindex" in result.output
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    assert get_backend().indexed_fingerprint() == "0123456789ab"
    result = runner.invoke(args=["search", "verify"])
    assert result.exit_code == 0 and "No drift" in result.output


def test_official_answers_are_searchable(client, auth, ask):
    topic_id = ask("Question about limits")
    auth.logout()
    auth.login("rep.private@test.example")
    client.post(f"/t/{topic_id}/comments", {"body": "The daily withdrawal ceiling is 300000 roubles."})
    assert topic_id in suggested_ids(client, "daily withdrawal ceiling")
