"""PostgreSQL backend: the hot index (pg_hot.py), a partial GIN index over the most popular documents that a tier
inside it reads instead of the whole posting list. The suggestions are the same with it and without it; the
planner can use it; it is rebuilt when it has grown and dropped when the index is cleared. Skipped without
TEST_DATABASE_URL (the SQLite pass)."""

import pytest
from sqlalchemy import event, text

from app.extensions import db
from app.search.backends import pg_hot
from app.search.documents import Scope
from tests.search.backend_contract import doc
from tests.search.test_pg_tiers import small_caps  # noqa: F401  (fixture)
from tests.search.test_postgres_backend import backend, postgres  # noqa: F401  (fixtures)

pytestmark = pytest.mark.postgres


@pytest.fixture
def small_hot(monkeypatch):
    """A hot index of 40 documents, built from 100 documents on."""
    monkeypatch.setattr(pg_hot, "HOT_SIZE", 40)
    monkeypatch.setattr(pg_hot, "MIN_DOCUMENTS", 100)
    yield
    db.session.commit()
    pg_hot.drop(db.engine, list(_hot_indexes()))  # the later tests of this database start without one


@pytest.fixture
def tier_statements():
    """The tier statements run (observed on the engine, not replaced)."""
    seen = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if "setweight" in statement and "tier_p" in statement:
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", keep)
    yield seen
    event.remove(db.engine, "before_cursor_execute", keep)


def _hot_indexes() -> dict[str, str]:
    with db.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'ix_search_documents_hot_%'")
        )
        return dict(rows.all())


def _stored_hot():
    from app.search.backends.pg_tiers import TierStore

    with db.engine.connect() as conn:
        return TierStore.stored_hot(conn)


def _topics(ids, popularity=lambda i: float(i % 7)):
    """Half of them about a blocked card, popularity in few distinct values (ties at every key)."""
    return [
        doc(
            id=i,
            title=("Card blocked" if i % 2 == 0 else "Transfer delayed") + f" case {i}",
            body="card payment" if i % 2 == 0 else "bank transfer",
            popularity=popularity(i),
        )
        for i in ids
    ]


def _refresh(backend):
    """As the `search.tiers` job does it: in a process with no transaction open (the index build waits for all)."""
    db.session.commit()
    return backend.refresh_tiers(hot_index=True)


def _suggest(backend, query):
    return [(h.kind, h.id, h.score) for h in backend.search(query, Scope(), mode="suggest", limit=30).hits]


def test_a_tier_inside_the_hot_set_reads_the_hot_index_and_suggests_the_same(
    backend, small_caps, small_hot, tier_statements, monkeypatch
):
    backend.upsert(_topics(range(1, 241)))
    _refresh(backend)
    hot = _stored_hot()
    assert hot is not None and list(_hot_indexes()) == [hot.name]
    with db.engine.connect() as conn:  # the hot set: the 40 first documents of the candidate order
        order = conn.execute(
            text(
                "SELECT popularity, kind, ref_id FROM search_documents ORDER BY popularity DESC, kind DESC, ref_id DESC"
            )
        ).all()
        assert tuple(order[39]) == (hot.popularity, hot.kind, hot.ref_id)
        assert conn.execute(text(f"SELECT count(*) FROM search_documents WHERE {pg_hot.predicate(hot)}")).scalar() == 40

    with_hot = _suggest(backend, "card blocked")
    assert tier_statements and pg_hot.predicate(hot, "d.") in tier_statements[-1]
    # The planner can prove the partial index applies (sequential scans off: the table is tiny).
    with db.engine.begin() as conn:
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        conn.execute(text("SET LOCAL enable_indexscan = off"))
        plan = "\n".join(
            row[0]
            for row in conn.execute(
                text(
                    "EXPLAIN SELECT ref_id FROM search_documents d WHERE d.tsv @@ CAST('card' AS tsquery) "
                    f"AND {pg_hot.predicate(hot, 'd.')}"
                )
            )
        )
    assert hot.name in plan

    monkeypatch.setattr(pg_hot, "MIN_DOCUMENTS", 10**9)  # no hot index: the tiers alone
    _refresh(backend)
    assert _stored_hot() is None and _hot_indexes() == {}
    tier_statements.clear()
    without = _suggest(backend, "card blocked")
    assert tier_statements and "ix_search_documents_hot" not in tier_statements[-1]
    assert "popularity > CAST(" not in tier_statements[-1]
    assert with_hot == without and len(with_hot) == 10


def test_a_tier_wider_than_the_hot_set_does_not_name_it(backend, small_caps, small_hot, tier_statements):
    """A word in few documents needs a wide tier (beyond the hot key): the hot condition would drop candidates."""
    backend.upsert(_topics(range(1, 241)))
    backend.upsert([doc(id=1000 + i, title=f"Refund missing {i}", body="refund", popularity=0.0) for i in range(30)])
    _refresh(backend)
    hot = _stored_hot()
    assert hot is not None
    found = _suggest(backend, "refund missing")
    assert len(found) == 10 and all(ref_id >= 1000 for _, ref_id, _ in found)
    assert tier_statements and all(pg_hot.predicate(hot, "d.") not in s for s in tier_statements)


def test_the_hot_index_is_rebuilt_when_it_has_grown_and_dropped_when_the_index_is_cleared(backend, small_hot):
    backend.upsert(_topics(range(1, 121), popularity=lambda i: 0.0))
    _refresh(backend)
    first = _stored_hot()
    assert first is not None and first.ref_id == 81  # the 40 newest of 120 equally popular documents
    _refresh(backend)
    assert _stored_hot() == first  # still fits: kept
    backend.upsert(_topics(range(121, 170), popularity=lambda i: 0.0))  # 89 above its key now: over 2 x 40
    _refresh(backend)
    second = _stored_hot()
    assert second is not None and second.name != first.name and second.ref_id == 130
    assert list(_hot_indexes()) == [second.name]  # the old one dropped
    assert "WHERE" in _hot_indexes()[second.name]
    backend.clear()
    _refresh(backend)
    assert _stored_hot() is None and _hot_indexes() == {}


def test_a_refresh_while_another_process_rebuilds_keeps_what_is_stored(backend, small_hot):
    backend.upsert(_topics(range(1, 121), popularity=lambda i: 0.0))
    _refresh(backend)
    stored = _stored_hot()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as other:
        assert other.execute(text(pg_hot._LOCK)).scalar()  # another node is rebuilding
        try:
            backend.upsert(_topics(range(121, 200), popularity=lambda i: 0.0))
            _refresh(backend)
        finally:
            other.execute(text(pg_hot._UNLOCK))
    assert _stored_hot() == stored and list(_hot_indexes()) == [stored.name]


def test_the_predicate_takes_only_a_plain_kind():
    with pytest.raises(ValueError):
        pg_hot.predicate(pg_hot.Hot("ix_search_documents_hot_00000000", 1.0, "topic' OR true --", 5))
    assert pg_hot.covers(pg_hot.Hot("x", 1.0, "topic", 5), 1.0, "topic", 7)
    assert not pg_hot.covers(pg_hot.Hot("x", 1.0, "topic", 5), 1.0, "topic", 4)
    assert pg_hot.covers(pg_hot.Hot("x", 1.0, "topic", 5), 2.0, "article", 1)
    assert not pg_hot.covers(None, 9.0, "topic", 9)
    assert pg_hot.covers(pg_hot.Hot("x", 1.0, "topic", 5), 1.5, "news_item", 1)  # more popular: kinds do not matter
    assert not pg_hot.covers(pg_hot.Hot("x", 1.0, "topic", 5), 1.0, "topics_old", 9)  # a collation might differ


def test_a_transaction_left_open_fails_the_build_quickly_and_it_is_tried_again(backend, small_hot, monkeypatch):
    """The build waits for every open transaction: one left open (here another connection's) fails it after
    pg_hot.WAIT_SECONDS instead of holding the job; nothing half-built stays, and the next run builds it."""
    import time

    monkeypatch.setattr(pg_hot, "WAIT_SECONDS", 1)
    backend.upsert(_topics(range(1, 121), popularity=lambda i: 0.0))
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as idle:
        idle.execute(text("SELECT 1"))  # a transaction holding its snapshot, left open
        started = time.monotonic()
        backend.refresh_tiers(hot_index=True)
        assert time.monotonic() - started < 10
        assert _stored_hot() is None
    assert _hot_indexes() == {}  # the invalid index of the failed build was dropped
    _refresh(backend)
    assert _stored_hot() is not None and list(_hot_indexes()) == [_stored_hot().name]
