"""The Whoosh backend: the shared backend contract plus what is particular to an embedded index
(the write lock, a missing directory, searchers that follow writes, the champion-list ranker)."""

import threading
import time

import pytest
from whoosh import query as wq

from app.search.backends.base import IndexBusy
from app.search.backends.whoosh_backend import INDEX_NAME, WhooshBackend
from app.search.backends.whoosh_schema import AndNot, Or, Require
from app.search.documents import PRIVATE, Scope
from tests.search.backend_contract import *  # noqa: F403  (the shared tests)
from tests.search.backend_contract import ANONYMOUS, STAFF, doc, keys_of


@pytest.fixture
def backend(tmp_path):
    backend = WhooshBackend(str(tmp_path / "index"), lock_timeout=0.3)
    yield backend
    backend.close()


def test_index_directory_is_created_on_first_use(tmp_path):
    target = tmp_path / "does" / "not" / "exist"
    backend = WhooshBackend(str(target))
    try:
        assert backend.search("карта", STAFF).hits == []
        assert backend.keys() == set()
        backend.upsert([doc(id=1, title="Карта не работает")])
        assert keys_of(backend.search("карты", STAFF)) == [("topic", 1)]
        assert any(p.name.startswith(f"_{INDEX_NAME}_") for p in target.iterdir())
    finally:
        backend.close()


def test_a_second_backend_on_the_same_directory_sees_the_writes(backend):
    other = WhooshBackend(backend.index_dir)
    try:
        assert other.search("ипотека", STAFF).hits == []  # opens a searcher now
        backend.upsert([doc(id=1, title="Ставка по ипотеке")])
        assert keys_of(other.search("ипотека", STAFF)) == [("topic", 1)]
        assert keys_of(other.search("ипотека", STAFF, mode="suggest")) == [("topic", 1)]
    finally:
        other.close()


def test_writes_raise_index_busy_while_another_writer_holds_the_lock(backend):
    backend.upsert([doc(id=1, title="Первый документ")])
    other = WhooshBackend(backend.index_dir)  # e.g. another process
    writer = other._index().writer()  # holds the Whoosh write lock
    try:
        started = time.perf_counter()
        with pytest.raises(IndexBusy):
            backend.upsert([doc(id=2, title="Второй документ")])
        with pytest.raises(IndexBusy):
            backend.delete([("topic", 1)])
        with pytest.raises(IndexBusy):
            backend.clear()
        assert time.perf_counter() - started < 5  # a short timeout each, no hanging
        assert backend.keys() == {("topic", 1)}  # reads are not blocked
    finally:
        writer.cancel()
        other.close()
    backend.upsert([doc(id=2, title="Второй документ")])  # the lock is free again
    assert backend.keys() == {("topic", 1), ("topic", 2)}


def test_index_busy_between_threads_of_one_process(backend):
    backend.upsert([doc(id=1, title="Первый документ")])
    release = threading.Event()
    holding = threading.Event()

    def hold():
        writer = backend._writer()
        holding.set()
        release.wait(5)
        writer.cancel()
        backend._write_lock.release()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert holding.wait(5)
        with pytest.raises(IndexBusy):
            backend.upsert([doc(id=2, title="Второй документ")])
    finally:
        release.set()
        thread.join()
    backend.upsert([doc(id=2, title="Второй документ")])
    assert len(backend.keys()) == 2


def test_a_failed_write_leaves_the_index_usable(backend, monkeypatch):
    backend.upsert([doc(id=1, title="Первый документ")])
    from app.search.backends import whoosh_backend

    def broken(document):
        raise RuntimeError("boom")

    monkeypatch.setattr(whoosh_backend, "doc_fields", broken)
    with pytest.raises(RuntimeError):
        backend.upsert([doc(id=2, title="Второй документ")])
    monkeypatch.undo()
    backend.upsert([doc(id=2, title="Второй документ")])
    assert backend.keys() == {("topic", 1), ("topic", 2)}


def test_searches_follow_every_write_and_survive_merges(backend):
    for i in range(1, 31):  # 30 commits: Whoosh merges segments on the way
        backend.upsert([doc(id=i, title=f"Кешбэк за покупку номер {i}", body="кешбэк не начислен")])
        assert len(backend.search("кешбэк", STAFF, mode="suggest", limit=50).hits) == i
    backend.delete([("topic", i) for i in range(1, 31, 2)])
    hits = backend.search("кешбэк", STAFF, mode="suggest", limit=50).hits
    assert {h.id for h in hits} == set(range(2, 31, 2))
    backend.optimize()
    assert {h.id for h in backend.search("кешбэк", STAFF, mode="suggest", limit=50).hits} == set(range(2, 31, 2))


def test_private_documents_of_one_user_among_many(backend):
    backend.upsert(
        [doc(id=i, title="Вопрос про вклад", visibility=PRIVATE, author_id=i % 3) for i in range(1, 40)]
        + [doc(id=100, title="Публичный вопрос про вклад")]
    )
    for mode in ("search", "suggest"):
        mine = {h.id for h in backend.search("вклад", Scope(user_id=1), mode=mode, limit=100).hits}
        assert mine == {i for i in range(1, 40) if i % 3 == 1} | {100}
        assert {h.id for h in backend.search("вклад", ANONYMOUS, mode=mode, limit=100).hits} == {100}


def test_fixed_whoosh_queries(backend):
    """Whoosh 2.7's AndNot lets a document through when the exclusion list starts before it, and its
    Require excludes what it should require (kept fixed in whoosh_schema for any Whoosh-query use)."""
    backend.upsert(
        [
            doc(id=1, title="alpha", visibility=PRIVATE),
            doc(id=2, title="beta", visibility="hidden"),
            doc(id=3, title="beta gamma"),
        ]
    )
    searcher = backend._acquire_searcher()
    try:
        excluded = Or([wq.Term("visibility", "hidden"), wq.Term("visibility", PRIVATE)])
        found = [
            searcher.stored_fields(h.docnum)["key"] for h in searcher.search(AndNot(wq.Term("title", "beta"), excluded))
        ]
        assert found == ["topic:3"]
        required = [
            searcher.stored_fields(h.docnum)["key"]
            for h in searcher.search(Require(wq.Term("title", "beta"), wq.Term("visibility", "hidden")))
        ]
        assert required == ["topic:2"]
    finally:
        backend._release_searcher(searcher)


def test_suggest_finds_the_same_thread_with_other_words_order_and_forms(backend):
    backend.upsert(
        [
            doc(
                id=1, title="Не приходит СМС с кодом при оплате картой", body="Оплачиваю в интернете, код не приходит."
            ),
            doc(id=2, title="Не працює застосунок після оновлення", body="Застосунок закривається одразу."),
            doc(id=3, title="How do I increase my card limit", body="I need a higher limit for travel."),
            doc(id=4, title="Как закрыть вклад досрочно", body="Хочу забрать деньги со вклада."),
        ]
    )
    cases = {
        "при оплате карточкой не пришло смс": 1,
        "застосунок не працює": 2,
        "card limits increase": 3,
        "досрочное закрытие вклада": 4,
        "Не работает приложение после обновления": 2,  # Russian request, Ukrainian thread
    }
    for text, expected in cases.items():
        assert keys_of(backend.search(text, ANONYMOUS, mode="suggest"))[:1] == [("topic", expected)], text


def test_long_request_is_bounded(backend):
    backend.upsert([doc(id=i, title=f"Тема {i} про перевод денег", body="перевод " * i) for i in range(1, 50)])
    text = "Добрый день! " + " ".join(f"слово{i} перевод деньги" for i in range(3000))  # ~60 kB
    started = time.perf_counter()
    result = backend.search(text, ANONYMOUS, mode="suggest")
    assert time.perf_counter() - started < 2.0
    assert result.hits


def test_keys_after_updates(backend):
    backend.upsert([doc(id=i, title=f"Документ {i}") for i in range(1, 6)])
    backend.upsert([doc(id=3, title="Документ три, новая версия")])
    backend.delete([("topic", 5)])
    assert backend.keys() == {("topic", i) for i in (1, 2, 3, 4)}


def test_search_mode_is_exact_beyond_the_champion_lists(tmp_path, monkeypatch):
    from app.search.backends import whoosh_backend

    monkeypatch.setattr(whoosh_backend, "CHAMPIONS", 5)
    backend = WhooshBackend(str(tmp_path / "small-champions"))
    try:
        backend.upsert(
            [doc(id=i, title=f"Refund number {i}", body="refund " * (i % 7 + 1)) for i in range(1, 41)]
            + [doc(id=100, title="Refund and chargeback", body="chargeback refund")]
        )
        seen = []
        for offset in range(0, 50, 10):
            result = backend.search("refund", ANONYMOUS, limit=10, offset=offset)
            assert result.total == 41
            seen += keys_of(result)
        assert len(seen) == 41 and len(set(seen)) == 41
        both = backend.search("refund chargeback", ANONYMOUS, limit=10)
        assert keys_of(both)[0] == ("topic", 100) and both.total == 41
        assert len(backend.search("refund", ANONYMOUS, mode="suggest", limit=50).hits) == 5  # champions only
    finally:
        backend.close()


def test_spelling_of_inflected_typos(backend):
    backend.upsert(
        [
            doc(id=1, title="Не приходит кредитная карта", body="Оформил кредитную карту"),
            doc(id=2, title="Payment declined", body="my payments"),
        ]
    )
    assert backend.spelling_suggestion("Не прихдит кредитнаяя карта") == "Не приходит кредитная карта"
    assert backend.spelling_suggestion("Paymnets declined") == "Payments declined"
    assert keys_of(backend.search("кредитнаяя", ANONYMOUS, mode="suggest")) == [("topic", 1)]


def _reference_top(ranker, searcher, groups, k, exclude):
    """The champion-list ranking as a plain loop (a dict per segment, heapq.nlargest): the bulk sums of
    ChampionRanker.top must pick and score exactly these documents."""
    import heapq
    from operator import itemgetter

    reader, leaves = ranker._leaves(searcher)
    best = []
    for leaf, offset in leaves:
        seg = ranker._segment(leaf, reader)
        acc = {}
        for group in groups:
            for term, weight in group:
                docs, contributions = seg.impacts(leaf, term)
                for docnum, c in zip(docs, contributions):
                    acc[docnum] = acc.get(docnum, 0.0) + weight * c
        drop = ranker._unwanted(seg, leaf, exclude)
        acc = {d: s for d, s in acc.items() if d not in drop}
        best += [(s, offset + d) for d, s in heapq.nlargest(k, acc.items(), key=itemgetter(1))]
    best.sort(key=lambda x: (-x[0], x[1]))
    return [(d, s) for s, d in best[:k]]


def test_suggest_ranking_of_many_equal_near_duplicates(tmp_path, monkeypatch):
    """Near-duplicates of one question (equal scores: ties everywhere) over several segments, with deletions
    and private ones: the bulk ranking returns the very documents, scores and order of the plain one, and the
    planner's document frequencies are Whoosh's own."""
    from app.search import planning
    from app.search.backends import whoosh_backend

    monkeypatch.setattr(whoosh_backend, "CHAMPIONS", 30)  # champion lists that cut through the ties
    backend = WhooshBackend(str(tmp_path / "dups"))
    try:
        for batch in range(6):
            backend.upsert(
                [
                    doc(
                        id=batch * 20 + i,
                        title=["Не приходит СМС с кодом", "Не приходит код СМС", "СМС с кодом не приходит"][i % 3],
                        body="Код подтверждения не приходит. Телефон новый." if i % 2 else "Телефон новый.",
                        visibility=PRIVATE if i % 7 == 0 else "public",
                        author_id=i % 3,
                    )
                    for i in range(1, 21)
                ]
            )
        backend.delete([("topic", i) for i in range(5, 120, 11)])
        for scope in (ANONYMOUS, Scope(user_id=1), STAFF):
            for query in ("не приходит смс", "код смс телефон", "смс с кодам"):
                restrict = planning.restrictions(scope, None)
                exclude, _ = backend._segment_restrictions(restrict)
                with backend._reading() as view:
                    plan = planning.plan_query(query, planning.SUGGEST, view, backend.rules)
                    groups = [t.weighted_variants() for t in plan.terms]
                    for k in (1, 7, 25, 200):
                        assert backend._ranker.top(view.searcher, groups, k, exclude=exclude) == _reference_top(
                            backend._ranker, view.searcher, groups, k, exclude
                        )
                    for term in ("смс", "код", "телефон", "приходить", "нет-такого"):
                        assert view._df(term) == max(
                            view.reader.doc_frequency(f, term) for f in whoosh_backend.RANKED_FIELDS
                        )
    finally:
        backend.close()
