"""The PostgreSQL search backend: the shared backend contract plus what is specific to PostgreSQL
(vocabulary counts, lexeme quoting, writes that commit on their own, the model on SQLite).

Needs the PostgreSQL server named by TEST_DATABASE_URL; skipped when it is unset (the SQLite pass of the
suite). When it is set but the server is unreachable, the tests skip, or fail under OTKLIK_REQUIRE_SERVICES=1 (CI).
"""

import os
import threading

import pytest
from sqlalchemy import create_engine, inspect, text

from app.extensions import db
from app.search import pg_models
from app.search.backends import pg_ranking
from app.search.backends.pg_lexemes import tsquery_or, tsvector_literal
from app.search.backends.postgres_backend import PostgresBackend
from app.search.documents import Scope
from tests.search.backend_contract import *  # noqa: F403  (the shared behaviour tests)
from tests.search.backend_contract import CORPUS, doc, keys_of

pytestmark = pytest.mark.postgres

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
REQUIRED = os.environ.get("OTKLIK_REQUIRE_SERVICES") == "1"


def _postgres_problem() -> str | None:
    if not PG_URL:
        return "TEST_DATABASE_URL is unset (e.g. postgresql://postgres@127.0.0.1:5432/test)"
    if not PG_URL.startswith(("postgresql://", "postgresql+psycopg://", "postgres://")):
        return f"TEST_DATABASE_URL is not a PostgreSQL URL: {PG_URL.split('@')[-1]}"
    import psycopg

    try:
        with psycopg.connect(PG_URL.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3):
            pass
    except psycopg.Error as exc:
        return f"PostgreSQL at {PG_URL.split('@')[-1]} is unreachable: {str(exc).strip()[:200]}"
    return None


_PROBLEM = _postgres_problem()


@pytest.fixture
def postgres():
    if _PROBLEM:
        if REQUIRED and PG_URL:
            pytest.fail(f"OTKLIK_REQUIRE_SERVICES=1 but {_PROBLEM}")
        pytest.skip(_PROBLEM)


@pytest.fixture
def backend(postgres, app):
    backend = PostgresBackend()
    yield backend
    backend.close()


def vocabulary() -> dict[str, int]:
    with db.engine.connect() as conn:
        return dict(conn.execute(text("SELECT term, doc_count FROM search_terms")).all())


def recount() -> dict[str, int]:
    """Document frequencies recomputed from the indexed documents themselves."""
    with db.engine.connect() as conn:
        return dict(
            conn.execute(
                text(
                    "SELECT t.term, count(*) FROM search_documents d, unnest(tsvector_to_array(d.tsv)) AS t(term) "
                    "GROUP BY t.term"
                )
            ).all()
        )


# ---------------------------------------------------------------- vocabulary and tsvector


def test_vocabulary_counts_follow_every_write(backend):
    backend.upsert(CORPUS)
    assert vocabulary() == recount()
    assert vocabulary()["ипотека"] == 2
    backend.upsert([doc(id=5, title="Теперь про вклады", body="Ставка по вкладу")])
    assert vocabulary() == recount()
    assert vocabulary()["ипотека"] == 1
    backend.delete([("topic", 6), ("topic", 6), ("topic", 404)])
    assert vocabulary() == recount()
    assert "ипотека" not in vocabulary()
    backend.clear()
    assert vocabulary() == {}


def test_concurrent_writers_keep_counts_exact(backend, app):
    errors = []

    def write(n):
        try:
            with app.app_context():
                for round_ in range(5):
                    backend.upsert(
                        [
                            doc(id=i, title=f"Thread {n} round {round_} topic{i % 3}", body="shared words here")
                            for i in range(1, 11)
                        ]
                    )
                    backend.delete([(("topic", (n + round_) % 10 + 1))])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert vocabulary() == recount()
    assert ranking_stats(backend) == fresh_stats()


# ---------------------------------------------------------------- collection statistics (search_stats)


def kept_stats() -> tuple | None:
    with db.engine.connect() as conn:
        return conn.execute(
            text("SELECT documents, title_terms, rest_terms FROM search_stats WHERE id = 1")
        ).one_or_none()


def fresh_stats() -> tuple:
    """The statistics counted from the documents, as the backend computed them before search_stats."""
    with db.engine.connect() as conn:
        n, avg_title, avg_rest = conn.execute(
            text(
                "SELECT count(*), coalesce(avg(title_term_count), 0), coalesce(avg(term_count - title_term_count), 0) "
                "FROM search_documents"
            )
        ).one()
    return int(n), max(float(avg_title), 1.0), max(float(avg_rest), 1.0)


def ranking_stats(backend) -> tuple:
    backend.index_changed()  # as after another server's drain: read the statistics again
    with db.engine.connect() as conn:
        return backend._collection_stats(conn)


class CountingBackend(PostgresBackend):
    """The backend as it was: statistics counted from search_documents on every read."""

    def _collection_stats(self, conn):
        return fresh_stats()


QUERIES = ["карта", "card payment", "ипотека ставка", "ліфт", "код смс", "вклад", "приложение"]


def results(backend) -> list:
    return [
        [(h.kind, h.id, h.score) for h in backend.search(q, Scope(), mode=mode, limit=10).hits]
        for q in QUERIES
        for mode in ("suggest", "search")
    ]


def test_kept_statistics_equal_a_fresh_count_after_every_write(backend):
    assert ranking_stats(backend) == fresh_stats() == (0, 1.0, 1.0)
    backend.upsert(CORPUS)
    assert ranking_stats(backend) == fresh_stats() and fresh_stats()[0] == len(CORPUS)
    before = results(backend)
    assert any(before) and results(CountingBackend()) == before  # the same hits, scores and order

    backend.upsert(  # replacements (longer and shorter), a new document and a repeated key within one batch
        [
            doc(id=1, title="Карта", body="карта заблокирована " * 30, answers="Разблокировать в приложении"),
            doc(id=2, title="Очень длинный заголовок про вклады и ставки по вкладам в банке", body=""),
            doc(id=40, title="Новая тема про ипотеку", body="ставка"),
            doc(id=40, title="Новая тема про ипотеку и ставку", body="ставка по ипотеке"),
        ]
    )
    assert ranking_stats(backend) == fresh_stats()
    assert results(backend) == results(CountingBackend())
    backend.delete([("topic", 1), ("topic", 1), ("topic", 404)])
    assert ranking_stats(backend) == fresh_stats()
    assert results(backend) == results(CountingBackend())
    backend.delete([("topic", 404)])  # nothing indexed: nothing changes
    assert ranking_stats(backend) == fresh_stats()

    backend.clear()
    assert kept_stats() is None and ranking_stats(backend) == fresh_stats() == (0, 1.0, 1.0)
    backend.upsert(CORPUS)
    assert ranking_stats(backend) == fresh_stats()
    assert results(backend) == before


def test_recount_rebuilds_the_statistics(backend):
    backend.upsert(CORPUS)
    kept = tuple(kept_stats())
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE search_stats SET documents = 1, title_terms = 0, rest_terms = 7"))
    assert backend.recount_stats() == kept
    assert ranking_stats(backend) == fresh_stats()


def test_tsvector_has_weights_and_positions(backend):
    backend.upsert([doc(id=1, title="Карта", body="карта заблокирована", answers="Разблокировать в приложении")])
    with db.engine.connect() as conn:
        rows = dict(
            conn.execute(
                text("SELECT u.lexeme, u.weights FROM search_documents d, unnest(d.tsv) AS u WHERE d.ref_id = 1")
            ).all()
        )
    assert sorted(rows["карта"]) == ["A", "C"]  # title, body
    assert rows["разблокировать"] == ["B"]  # official answer


@pytest.mark.parametrize("term", ["it's", "a\\b", "'", "''", "\\", "x'y\\'z", "word:*", "a&b|c", "!(", "<->"])
def test_lexeme_quoting_round_trips(backend, term):
    literal = tsvector_literal([([term, "plain"], "A")])
    with db.engine.connect() as conn:
        lexemes = conn.execute(text("SELECT tsvector_to_array(CAST(:v AS tsvector))"), {"v": literal}).scalar_one()
        assert sorted(lexemes) == sorted([term, "plain"])
        assert (
            conn.execute(
                text("SELECT CAST(:v AS tsvector) @@ CAST(:q AS tsquery)"), {"v": literal, "q": tsquery_or([term])}
            ).scalar_one()
            is True
        )


def test_apostrophes_in_terms_are_searchable(backend):
    backend.upsert([doc(id=1, title="М'ясо та п'ять сирів", body="Магазин м'яса")])
    assert keys_of(backend.search("м'ясо", Scope())) == [("topic", 1)]
    assert keys_of(backend.search("мʼясо", Scope(), mode="suggest")) == [("topic", 1)]


# ---------------------------------------------------------------- bounded work per query


def test_candidates_come_from_the_rarest_terms(backend, monkeypatch):
    backend.upsert(
        [doc(id=i, title=f"Common words number {i}", body="common words") for i in range(1, 21)]
        + [
            doc(id=100, title="Rare chargeback", body="common words"),
            doc(id=101, title="Another chargeback", body="nothing else"),
        ]
    )
    monkeypatch.setattr(pg_ranking, "CANDIDATE_BUDGET", 5)
    result = backend.search("common chargeback", Scope(), mode="suggest")
    assert set(keys_of(result)) == {("topic", 100), ("topic", 101)} and result.total == 2
    assert keys_of(result)[0] == ("topic", 100)  # both words
    monkeypatch.setattr(pg_ranking, "CANDIDATE_BUDGET", 10_000)
    assert backend.search("common chargeback", Scope(), mode="suggest").total == 22


def test_a_very_common_word_ranks_the_most_popular_candidates(backend, monkeypatch):
    backend.upsert([doc(id=i, title=f"Card topic {i}", body="card", popularity=float(i)) for i in range(1, 31)])
    monkeypatch.setattr(pg_ranking, "MAX_CANDIDATES", 10)
    result = backend.search("card", Scope(), limit=20)
    assert result.total == 30  # the count stays exact
    assert {ref_id for _, ref_id in keys_of(result)} == set(range(21, 31))
    assert keys_of(backend.search("card", Scope(), limit=5, offset=40)) == []
    assert backend.search("card", Scope(), limit=5, offset=40).total == 30


def test_a_suggestion_for_a_very_common_word_ranks_the_same_most_popular_candidates(backend, monkeypatch):
    """Suggest skips the exact count (it needs none), so the database can stop after the most popular ones."""
    backend.upsert([doc(id=i, title=f"Card topic {i}", body="card", popularity=float(i)) for i in range(1, 31)])
    backend.upsert([doc(id=31, title="Card topic private", body="card", popularity=99.0, visibility="private")])
    monkeypatch.setattr(pg_ranking, "MAX_CANDIDATES", 10)
    suggested = backend.search("card", Scope(), mode="suggest", limit=20)
    assert {ref_id for _, ref_id in keys_of(suggested)} == set(range(21, 31))
    assert keys_of(suggested) == keys_of(backend.search("card", Scope(), limit=20))  # same candidates, same order


def test_a_capped_suggestion_ranks_fewer_candidates_than_a_search_page(backend, monkeypatch):
    """Past MAX_CANDIDATES matches, a search page ranks the MAX_CANDIDATES most popular and suggest (as the customer
    types, its work bounded whatever the community's size) only the SUGGEST_CANDIDATES most popular of them."""
    backend.upsert([doc(id=i, title=f"Card topic {i}", body="card", popularity=float(i)) for i in range(1, 41)])
    monkeypatch.setattr(pg_ranking, "CANDIDATE_BUDGET", 20)
    monkeypatch.setattr(pg_ranking, "MAX_CANDIDATES", 20)
    monkeypatch.setattr(pg_ranking, "SUGGEST_CANDIDATES", 5)
    suggested = backend.search("card", Scope(), mode="suggest", limit=20)
    assert {ref_id for _, ref_id in keys_of(suggested)} == set(range(36, 41))
    assert {ref_id for _, ref_id in keys_of(backend.search("card", Scope(), limit=20))} == set(range(21, 41))
    monkeypatch.setattr(pg_ranking, "MAX_CANDIDATES", 50)  # 40 matches: not capped, suggest ranks them all
    assert len(keys_of(backend.search("card", Scope(), mode="suggest", limit=50))) == 40


def test_capped_suggestions_are_scored_as_uncapped_ones(backend, monkeypatch):
    """The most popular candidates of a common word carry their own title, answers, body and flags into the
    ranking: each one scores exactly what it scores when every document with the word is ranked."""
    backend.upsert(
        [
            doc(
                id=i,
                title="Card blocked" + " again" * (i % 4),
                body="card " * (1 + i % 3) + "blocked after payment" * (i % 2),
                answers="Unblock the card in the app" if i % 5 == 0 else "",
                has_answer=i % 5 == 0,
                also_asked="card blocked abroad" if i % 7 == 0 else "",
                popularity=float(i),
            )
            for i in range(1, 25)
        ]
    )
    uncapped = {(h.kind, h.id): h.score for h in backend.search("card blocked", Scope(), mode="suggest", limit=30).hits}
    monkeypatch.setattr(pg_ranking, "CANDIDATE_BUDGET", 10)
    monkeypatch.setattr(pg_ranking, "MAX_CANDIDATES", 10)
    capped = backend.search("card blocked", Scope(), mode="suggest", limit=30).hits
    assert {h.id for h in capped} == set(range(15, 25))  # the 10 most popular
    assert [(h.id, h.score) for h in capped] == sorted(
        ((ref_id, uncapped[("topic", ref_id)]) for ref_id in range(15, 25)), key=lambda pair: (-pair[1], pair[0])
    )


# ---------------------------------------------------------------- connections and transactions


def test_writes_commit_on_their_own(backend):
    """The outbox drain calls the backend after the app's commit, maybe inside another session: the
    backend's writes must not depend on (or be rolled back with) db.session."""
    db.session.execute(text("SELECT 1"))  # db.session now has an open transaction
    backend.upsert([doc(id=1, title="Independent write")])
    db.session.rollback()
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM search_documents")).scalar_one() == 1
    assert keys_of(backend.search("independent write", Scope())) == [("topic", 1)]
    backend.delete([("topic", 1)])
    db.session.rollback()
    assert backend.keys() == set()


def test_search_sees_new_documents_at_once(backend):
    backend.upsert([doc(id=i, title=f"Document about deposits {i}") for i in range(1, 4)])
    assert backend.search("deposits", Scope()).total == 3  # document count cached, then invalidated
    backend.upsert([doc(id=4, title="Another deposits topic")])
    assert backend.search("deposits", Scope()).total == 4


def test_candidate_query_uses_the_gin_index(backend):
    backend.upsert([doc(id=i, title=f"Filler topic number {i}", body="lorem ipsum") for i in range(1, 200)])
    backend.upsert([doc(id=500, title="Needle in a haystack")])
    with db.engine.connect() as conn:
        conn.execute(text("ANALYZE search_documents"))
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(
            conn.execute(
                text("EXPLAIN SELECT ref_id FROM search_documents d WHERE d.tsv @@ CAST(:q AS tsquery)"),
                {"q": tsquery_or(["needl"])},
            ).scalars()
        )
    assert "ix_search_documents_tsv" in plan


# ---------------------------------------------------------------- the model on SQLite


def test_model_creates_on_sqlite(tmp_path):
    """The app's default database: the tsvector column is plain TEXT there and PostgreSQL-only DDL is skipped."""
    engine = create_engine(f"sqlite:///{tmp_path / 'schema.db'}")
    try:
        tables = [pg_models.SearchDocument.__table__, pg_models.SearchTerm.__table__, pg_models.SearchStats.__table__]
        db.metadata.create_all(engine, tables=tables)
        inspector = inspect(engine)
        columns = {c["name"]: str(c["type"]) for c in inspector.get_columns("search_documents")}
        assert columns["tsv"] == "TEXT"
        indexes = {i["name"] for i in inspector.get_indexes("search_documents")}
        assert "ix_search_documents_tsv" not in indexes and "ix_search_documents_filters" in indexes
        assert inspector.get_pk_constraint("search_documents")["constrained_columns"] == ["kind", "ref_id"]
        db.metadata.drop_all(engine, tables=tables)
    finally:
        engine.dispose()


def test_scores_are_bm25f_of_each_field(backend):
    """The SQL's per-lexeme columns add up to BM25F: each query lexeme counts once in the title and its body
    frequency in the body (as read back from ts_rank: 1.645 x ts_rank = 1 + 1/2² + ... + 1/tf², inverted), each over its field's length norm, weighted,
    saturated and times the lexeme's weight; lexemes a document lacks count nothing; the two words next to each
    other add the phrase bonus."""
    from app.search import planning

    backend.upsert(
        [doc(id=1, title="Вклад", body="вклад ставка")]
        + [doc(id=2, title="Ставка", body="вклад вклад вклад ставка")]
        + [doc(id=3, title="Про ипотеку", body="ставка ставка")]
    )
    stats = ranking_stats(backend)
    _n, avg_title, avg_rest = stats
    plan = backend.plan("вклад ставка", planning.SUGGEST)
    weights = plan.weights
    k1, b, bt = pg_ranking.K1, pg_ranking.B, pg_ranking.TITLE_B
    fields = pg_ranking.FIELD_WEIGHTS

    phrase = pg_ranking.PHRASE_WEIGHT * min(weights.values())
    zeta = sum(1 / j**2 for j in range(1, 200_000))
    assert len(plan.phrases) == 1

    def expected(title_terms: set, title_len: int, body_tf: dict, rest_len: int, adjacent: bool) -> float:
        fa = fields["title"] / (1 - bt + bt * title_len / avg_title)
        fc = fields["body"] / (1 - b + b * rest_len / avg_rest)
        score = phrase if adjacent else 0.0
        for term, weight in weights.items():
            if term not in title_terms and not body_tf.get(term):
                continue
            tf = body_tf.get(term, 0)
            read = max(1 / (zeta - sum(1 / j**2 for j in range(1, tf + 1))) - 0.5, 1) if tf else 0
            x = (fa if term in title_terms else 0) + fc * read
            score += weight * x * (k1 + 1) / (x + k1)
        return score

    vklad, stavka = sorted(weights, key=lambda t: t != "вклад")
    got = {h.id: h.score for h in backend.search("вклад ставка", Scope(), mode="suggest", limit=10).hits}
    assert set(got) == {1, 2, 3}
    assert got[1] == pytest.approx(expected({vklad}, 1, {vklad: 1, stavka: 1}, 2, True), rel=1e-4)
    assert got[2] == pytest.approx(expected({stavka}, 1, {vklad: 3, stavka: 1}, 4, True), rel=1e-4)
    assert got[3] == pytest.approx(expected(set(), 2, {stavka: 2}, 2, False), rel=1e-4)
