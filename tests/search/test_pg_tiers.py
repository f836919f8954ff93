"""PostgreSQL backend: capped suggestions asked through popularity tiers (pg_ranking.ranked) return exactly what the
popularity walk returns, and the tiers are kept in search_meta. Skipped without TEST_DATABASE_URL (the SQLite pass)."""

import pytest
from sqlalchemy import event, text

from app.extensions import db
from app.search.backends import pg_ranking
from app.search.documents import Scope
from tests.search.backend_contract import doc, keys_of
from tests.search.test_postgres_backend import backend, postgres  # noqa: F401  (fixtures)

pytestmark = pytest.mark.postgres


@pytest.fixture
def small_caps(monkeypatch):
    """Caps small enough for a corpus of tens of documents, tiers for every capped suggestion."""
    monkeypatch.setattr(pg_ranking, "CANDIDATE_BUDGET", 10)
    monkeypatch.setattr(pg_ranking, "MAX_CANDIDATES", 10)
    monkeypatch.setattr(pg_ranking, "TIER_BAND", (0.0, 1.0))


@pytest.fixture
def ranking_statements():
    """The ranking statements run, as "tier" or "walk" (observed on the engine, not replaced)."""
    seen = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if "setweight" in statement:
            seen.append("tier" if "tier_p" in statement else "walk")

    event.listen(db.engine, "before_cursor_execute", count)
    yield seen
    event.remove(db.engine, "before_cursor_execute", count)


def _suggest(backend, query: str) -> list[tuple[str, int, float]]:
    return [(h.kind, h.id, h.score) for h in backend.search(query, Scope(), mode="suggest", limit=30).hits]


def test_tiers_give_the_same_suggestions_as_the_walk(backend, small_caps, ranking_statements, monkeypatch):
    # 120 topics; a quarter say "card", popularity in few distinct values: ties at every threshold.
    backend.upsert(
        [
            doc(
                id=i,
                title=("Card blocked" if i % 4 == 0 else "Transfer delayed") + f" case {i}",
                body="card payment" if i % 4 == 0 else "bank transfer",
                popularity=float(i % 5),
            )
            for i in range(1, 121)
        ]
    )
    backend.refresh_tiers()
    tiered = _suggest(backend, "card blocked")
    assert ranking_statements == ["tier"]  # the first tier held the 10 candidates
    monkeypatch.setattr(pg_ranking, "TIER_BAND", (2.0, 2.0))  # no bound / documents is 2: the walk alone
    ranking_statements.clear()
    walked = _suggest(backend, "card blocked")
    assert ranking_statements == ["walk"]
    assert tiered == walked
    # the 10 candidates: popularity 4, then 3, ... and of equal popularity the newest (ref_id descending)
    expected = sorted((i for i in range(4, 121, 4)), key=lambda i: (-(i % 5), -i))[:10]
    assert sorted(ref_id for _, ref_id, _ in tiered) == sorted(expected)


def test_matches_outside_the_popular_tiers_are_still_found(backend, small_caps, ranking_statements):
    """A word only the least popular documents have: every tier holds fewer than the cap, so the walk answers."""
    backend.upsert(
        [doc(id=i, title=f"Popular question {i}", body="question", popularity=10.0 + i) for i in range(1, 101)]
        + [doc(id=200 + i, title=f"Refund missing {i}", body="refund question", popularity=0.0) for i in range(40)]
    )
    backend.refresh_tiers()
    found = keys_of(backend.search("refund", Scope(), mode="suggest", limit=30))
    assert sorted(ref_id for _, ref_id in found) == list(range(230, 240))  # the 10 newest of the 40
    assert ranking_statements == ["tier"] * pg_ranking.TIER_TRIES + ["walk"]  # too few in each tier: widened


def test_tiers_are_kept_in_the_database(backend):
    backend.upsert([doc(id=i, title=f"Topic {i}", body="text", popularity=float(i)) for i in range(1, 201)])
    tiers = backend.refresh_tiers()
    assert tiers[0] == (0.005, 200.0, "topic", 200)  # the top 0.5 %: one document
    assert tiers[-1] == (0.64, 73.0, "topic", 73)  # the top 64 %: 128 documents, 200 down to 73
    assert [t.fraction for t in tiers] == sorted({t.fraction for t in tiers})  # one tier per distinct size
    for fraction, popularity, _kind, ref_id in tiers:  # each tier holds its fraction of the documents
        assert sum(1 for i in range(1, 201) if i >= ref_id) == round(fraction * 200) and popularity == ref_id
    with db.engine.connect() as conn:
        stored = conn.execute(text("SELECT value FROM search_meta WHERE key = 'popularity_tiers'")).scalar()
    assert '"documents": 200' in stored
    backend.clear()
    assert backend.refresh_tiers() == []


def test_a_recount_refreshes_the_tiers(backend):
    backend.upsert([doc(id=i, title=f"Topic {i}", body="text", popularity=float(i)) for i in range(1, 51)])
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM search_meta WHERE key = 'popularity_tiers'"))
    backend.recount_stats()
    with db.engine.connect() as conn:
        stored = conn.execute(text("SELECT value FROM search_meta WHERE key = 'popularity_tiers'")).scalar()
    assert stored is not None and '"documents": 50' in stored
