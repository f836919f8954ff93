"""The Whoosh backend's typo vocabulary follows every write without re-reading the whole lexicon: each
generation's vocabulary is derived from the previous one and the segments a commit added or merged away,
and equals the one built from scratch."""

import pytest

from app.search.backends.whoosh_backend import WhooshBackend
from app.search.backends.whoosh_spelling import Vocabulary
from tests.search.backend_contract import ANONYMOUS, STAFF, doc, keys_of

WORDS = ["ипотека", "перевод", "кешбэк", "payment", "банкомат", "рассрочка", "страховка", "депозит"]


@pytest.fixture
def backend(tmp_path):
    backend = WhooshBackend(str(tmp_path / "index"), lock_timeout=0.3)
    yield backend
    backend.close()


def _vocabulary(backend) -> Vocabulary:
    searcher = backend._acquire_searcher()
    try:
        return backend._vocabulary(searcher)
    finally:
        backend._release_searcher(searcher)


def _from_scratch(backend) -> Vocabulary:
    with backend._index().searcher() as searcher:
        return Vocabulary(searcher.reader(), searcher.reader().generation())


def _deletions(vocab: Vocabulary) -> dict[str, set[str]]:
    return {key: {have} if isinstance(have, str) else set(have) for key, have in vocab.deletes.items()}


def test_vocabulary_after_writes_deletions_and_merges_equals_one_built_from_scratch(backend):
    seen = []
    for i in range(1, 41):  # 40 commits: Whoosh merges segments on the way
        word = WORDS[i % len(WORDS)]
        backend.upsert([doc(id=i, title=f"{word} вопрос {i}", body=f"{word}{'аб'[i % 2]} подробности")])
        if i % 7 == 0:
            backend.delete([("topic", i - 3)])
        if i % 13 == 0:
            backend.upsert([doc(id=i - 5, title="переписанный заголовок", body="совсем другие слова")])
        vocab = _vocabulary(backend)
        seen.append(vocab)
        full = _from_scratch(backend)
        assert vocab.generation == full.generation
        assert dict(vocab.freq) == dict(full.freq)
        assert _deletions(vocab) == _deletions(full)
    assert len({id(v) for v in seen}) == len(seen)  # a new vocabulary for every generation
    backend.optimize()
    assert dict(_vocabulary(backend).freq) == dict(_from_scratch(backend).freq)


def test_a_write_reads_only_the_segments_it_added(backend):
    backend.upsert([doc(id=i, title=f"Ставка по ипотеке {i}") for i in range(1, 20)])
    before = _vocabulary(backend)
    backend.upsert([doc(id=100, title="Рассрочка на телефон")])
    after = _vocabulary(backend)
    kept = before.segments.keys() & after.segments.keys()
    assert kept and all(after.segments[s] is before.segments[s] for s in kept)  # not read again
    assert [after.segments[s] for s in after.segments.keys() - kept] == [{"рассрочка": 1, "телефон": 1}]
    assert "рассрочка" not in before.freq  # the previous generation's vocabulary is left as it was


def test_typos_of_new_words_are_corrected_right_after_the_write_and_gone_words_are_not_offered(backend):
    backend.upsert([doc(id=1, title="Карта заблокирована")])
    assert backend.spelling_suggestion("страхофка") is None
    backend.upsert([doc(id=2, title="Страховка по кредиту")])
    assert backend.spelling_suggestion("страхофка") == "страховка"
    assert keys_of(backend.search("страхофка", ANONYMOUS, mode="suggest")) == [("topic", 2)]
    backend.delete([("topic", 2)])
    backend.optimize()  # the deleted document's terms leave the index with the merge
    assert backend.spelling_suggestion("страхофка") is None
    assert backend.search("страхофка", STAFF, mode="suggest").hits == []
