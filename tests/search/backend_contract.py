"""Behaviour every search backend must have (app/search/backends/base.py).

Not collected by itself (no `test_` prefix): a backend's test module imports these tests and provides a
`backend` fixture yielding an empty backend inside an app context:

    from tests.search.backend_contract import *  # noqa: F401,F403  (the shared tests)

    @pytest.fixture
    def backend(app):
        backend = WhooshBackend(app.config["SEARCH_INDEX_DIR"])
        yield backend
        backend.close()
"""

import time

import pytest

from app.search.documents import HIDDEN, PRIVATE, Filters, Scope, SearchDoc
from tests.corpora import HOW_TO_GET, SHARED_DATA, SQLI_PAYLOADS, XSS_PAYLOADS  # noqa: F401

PAYLOAD_FILES = {"xss": XSS_PAYLOADS, "sqli": SQLI_PAYLOADS}  # full shared corpora, else the vendored subsets

ANONYMOUS = Scope()
STAFF = Scope(is_staff=True)
AUTHOR_ID, OTHER_ID = 20, 21


def doc(kind="topic", id=1, title="", body="", **extra) -> SearchDoc:
    return SearchDoc(kind=kind, id=id, title=title, body=body, **extra)


CORPUS = [
    doc(
        id=1,
        title="Не приходит СМС с кодом подтверждения",
        body="Пытаюсь войти в приложение, но код по SMS не приходит уже час.",
        type="question",
        status="open",
        category_id=1,
        author_id=10,
    ),
    doc(
        id=2,
        title="Не працює ліфт у будинку",
        body="Пасажирський ліфт не працює третій день.",
        type="problem",
        status="open",
        category_id=2,
        author_id=10,
    ),
    doc(
        id=3,
        title="Card payment declined abroad",
        body="My card payments keep failing when I travel.",
        answers="Enable international payments in the app settings.",
        has_answer=True,
        type="question",
        status="solved",
        category_id=1,
        author_id=11,
    ),
    doc(
        kind="article",
        id=4,
        title="Как перевыпустить карту",
        body="Перевыпуск карты занимает пять дней.",
        category_id=1,
    ),
    doc(
        id=5,
        title="Личный вопрос про ипотеку",
        body="Какая ставка по ипотеке для семей?",
        visibility=PRIVATE,
        author_id=AUTHOR_ID,
        type="question",
        status="open",
        category_id=3,
    ),
    doc(
        id=6,
        title="Скрытая тема про ипотеку",
        body="Ипотека и ставка, скрыто модератором.",
        visibility=HIDDEN,
        author_id=OTHER_ID,
        type="question",
        status="open",
        category_id=3,
    ),
    doc(
        id=7,
        title="Ёлочные игрушки к празднику",
        body="Где купить ёлку?",
        type="idea",
        status="open",
        category_id=4,
        author_id=12,
    ),
]


@pytest.fixture
def corpus(backend):
    backend.upsert(CORPUS)
    return backend


def keys_of(result):
    return [(hit.kind, hit.id) for hit in result.hits]


# ---------------------------------------------------------------- analysis: the same terms on both sides


@pytest.mark.parametrize(
    "query, expected",
    [
        ("не пришёл код", ("topic", 1)),  # Russian lemmas, ё→е
        ("смс подтверждение", ("topic", 1)),
        ("ліфти не працюють", ("topic", 2)),  # Ukrainian lemmas
        ("payments declined", ("topic", 3)),  # English stems
        ("перевыпуск карты", ("article", 4)),
        ("елочная игрушка", ("topic", 7)),  # ё in the document, е in the query
    ],
)
def test_inflected_forms_find_each_other(corpus, query, expected):
    for mode in ("search", "suggest"):
        result = corpus.search(query, ANONYMOUS, mode=mode)
        assert keys_of(result)[:1] == [expected], (mode, keys_of(result))
        assert result.hits[0].score > 0


SCRIPTS = [
    doc(id=21, title="Не приходит SMS от банка", body="Код по SMS так и не пришёл."),
    doc(id=22, title="Как сменить PIN карты", body="Хочу поменять PIN."),
    doc(id=23, title="Приложение вылетает на iPhone", body="После обновления iPhone падает."),
    doc(id=24, title="Не работает приложение на айфоне", body="Айфон новый, приложение закрывается."),
    doc(id=25, title="Банкомат съел карту", body="Карта осталась в банкомате."),
]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("смс", 21),
        ("пин", 22),
        ("айфон", {23, 24}),
        ("iPhone", {23, 24}),
        ("SMS", 21),
        ("PIN", 22),
    ],
)
def test_cyrillic_and_latin_spellings_find_each_other(backend, query, expected):
    """ "смс" finds "SMS" and back (analysis: synonyms.CYRILLIC_TO_LATIN), on every backend."""
    backend.upsert(SCRIPTS)
    for mode in ("search", "suggest"):
        found = {key[1] for key in keys_of(backend.search(query, ANONYMOUS, mode=mode))}
        assert found == (expected if isinstance(expected, set) else {expected}), (mode, query, found)


def test_official_answers_are_searchable(corpus):
    assert keys_of(corpus.search("international settings", ANONYMOUS))[:1] == [("topic", 3)]


def test_title_match_ranks_above_body_match(backend):
    backend.upsert(
        [
            doc(id=1, title="Other things entirely", body="The vacuum cleaner is mentioned here once, among words."),
            doc(id=2, title="Vacuum cleaner", body="Warranty question about the item I bought last month."),
        ]
    )
    for mode in ("search", "suggest"):
        assert keys_of(backend.search("vacuum cleaner", ANONYMOUS, mode=mode)) == [("topic", 2), ("topic", 1)]


def test_numbers_of_a_long_request_do_not_outweigh_its_words(backend):
    backend.upsert(
        [
            doc(id=1, title="Протекает крыша", body="Дом 17, квартира 243, с 12.03.2024 течёт потолок."),
            doc(id=2, title="Не работает лифт", body="Лифт стоит, кабина не приезжает."),
            doc(id=3, title="Мусор не вывозят", body="Контейнеры переполнены неделю."),
        ]
    )
    # a whole request (many words): its address and date say where and when, not what
    request = (
        "Добрый день. Пишу от имени жильцов нашего дома 17, квартира 243. Двенадцатого марта, "
        "12.03.2024, утром сломался лифт, кабина застряла между этажами, пожилые соседи "
        "вынуждены подниматься пешком, диспетчер трубку не берёт, управляющая компания молчит. "
        "Просим срочно прислать мастера и сообщить сроки ремонта."
    )
    assert keys_of(backend.search(request, ANONYMOUS, mode="suggest"))[0] == ("topic", 2)
    # in a short title the number is the point
    assert keys_of(backend.search("квартира 243", ANONYMOUS, mode="suggest"))[0] == ("topic", 1)


def test_search_mode_puts_documents_with_every_word_first(backend):
    backend.upsert(
        [
            doc(id=1, title="Password password password", body="Password again: password."),
            doc(id=2, title="Reset link", body="The password reset e-mail never arrives."),
            doc(id=3, title="Weather", body="Nothing relevant at all."),
        ]
    )
    result = backend.search("password email", ANONYMOUS, mode="search")
    assert keys_of(result) == [("topic", 2), ("topic", 1)]
    assert result.total == 2


def test_suggest_mode_matches_any_word(corpus):
    # a whole request: most of its words are in no document
    text = "Здравствуйте! Пишу уже третий раз, на телефон не приходит смс, что делать дальше?"
    assert keys_of(corpus.search(text, ANONYMOUS, mode="suggest"))[:1] == [("topic", 1)]


def test_more_popular_wins_a_tie(backend):
    backend.upsert(
        [
            doc(id=1, title="Cashback for groceries", body="Not credited.", popularity=0.0),
            doc(id=2, title="Cashback for groceries", body="Not credited.", popularity=40.0),
        ]
    )
    assert keys_of(backend.search("cashback groceries", ANONYMOUS, mode="suggest")) == [("topic", 2), ("topic", 1)]


# ---------------------------------------------------------------- visibility and filters


@pytest.mark.parametrize(
    "scope, sees",
    [
        (ANONYMOUS, set()),
        (Scope(user_id=OTHER_ID), set()),  # another user's private topic stays hidden
        (Scope(user_id=AUTHOR_ID), {5}),  # the author sees their own private topic
        (STAFF, {5, 6}),  # staff see private and hidden topics
        (Scope(is_staff=True, user_id=OTHER_ID), {5, 6}),
    ],
)
def test_visibility(corpus, scope, sees):
    for mode in ("search", "suggest"):
        result = corpus.search("ипотека ставка", scope, mode=mode)
        assert {ref_id for _, ref_id in keys_of(result)} == sees
        assert result.total == len(sees)


def test_filters(corpus):
    def found(**filters):
        return set(keys_of(corpus.search("карта card код", STAFF, filters=Filters(**filters), limit=20)))

    assert found() == {("topic", 1), ("topic", 3), ("article", 4)}
    assert found(kinds=("article",)) == {("article", 4)}
    assert found(kinds=("topic", "article"), status="solved") == {("topic", 3)}
    assert found(type="question") == {("topic", 1), ("topic", 3)}
    assert found(category_id=1, type="question", status="open") == {("topic", 1)}
    assert found(category_id=99) == set()
    assert found(type="no-such-type") == set()


# ---------------------------------------------------------------- counts and pages


def test_total_and_pages(backend):
    backend.upsert([doc(id=i, title=f"Refund request number {i}", body="refund " * (i % 5 + 1)) for i in range(1, 26)])
    seen = []
    for offset in (0, 10, 20):
        result = backend.search("refund", ANONYMOUS, limit=10, offset=offset)
        assert result.total == 25
        seen += keys_of(result)
    assert len(seen) == 25 and len(set(seen)) == 25
    beyond = backend.search("refund", ANONYMOUS, limit=10, offset=30)
    assert beyond.hits == [] and beyond.total == 25
    assert backend.search("refund", ANONYMOUS, limit=0).hits == []


# ---------------------------------------------------------------- writes


def test_upsert_replaces_and_delete_removes(corpus):
    assert len(corpus.keys()) == len(CORPUS)
    corpus.upsert([doc(id=1, title="Mortgage refinancing rates", body="What rates do you offer?")])
    assert len(corpus.keys()) == len(CORPUS)
    assert keys_of(corpus.search("mortgage refinancing", ANONYMOUS)) == [("topic", 1)]
    assert ("topic", 1) not in keys_of(corpus.search("смс код подтверждения", ANONYMOUS))

    corpus.delete([("topic", 1), ("topic", 999), ("nothing", 1)])
    assert ("topic", 1) not in corpus.keys()  # noqa: SIM118 (a backend, not a dict)
    assert corpus.search("mortgage refinancing", ANONYMOUS).hits == []
    corpus.delete([])


def test_last_version_in_a_batch_wins(backend):
    backend.upsert([doc(id=1, title="First version"), doc(id=1, title="Second edition")])
    assert backend.keys() == {("topic", 1)}
    assert backend.search("first", STAFF).hits == []
    assert keys_of(backend.search("second edition", STAFF)) == [("topic", 1)]


def test_the_index_records_the_analyser_it_was_built_with(backend):
    from app.search import analysis

    backend.upsert([doc(id=1, title="Карта не работает")])
    assert backend.indexed_fingerprint() == analysis.fingerprint()
    backend.clear()
    assert backend.indexed_fingerprint() == analysis.fingerprint() and backend.keys() == set()


def test_keys_and_clear(corpus):
    assert corpus.keys() == {d.key for d in CORPUS}
    corpus.clear()
    assert corpus.keys() == set()
    assert corpus.search("карта", STAFF).hits == []
    corpus.upsert(CORPUS[:1])
    assert corpus.keys() == {("topic", 1)}


def test_holds_names_exactly_the_indexed_kind_and_id_pairs(backend):
    backend.upsert([doc(id=5, title="Карта"), doc(kind="article", id=6, title="Карта")])
    asked = [("topic", 5), ("article", 5), ("topic", 6), ("article", 6), ("topic", 7)]
    assert backend.holds(asked) == {("topic", 5), ("article", 6)}
    assert backend.holds([]) == set()
    backend.delete([("topic", 5)])
    assert backend.holds(asked) == {("article", 6)}


def test_big_and_odd_documents_are_indexed(backend):
    long_word = "x" * 3000
    body = " ".join(f"слово{i % 500} word{i}" for i in range(20000)) + " " + long_word + " финал"
    backend.upsert(
        [
            doc(id=1, title="Огромный документ", body=body),
            doc(id=2, title="", body=""),
            doc(id=3, title="it's a back\\slash and м'ясо ' \" \\", body="NUL-free; quotes ''' and : * & | !"),
        ]
    )
    assert ("topic", 1) in keys_of(backend.search("огромный финал", STAFF))
    assert ("topic", 3) in keys_of(backend.search("м'ясо", STAFF))
    assert ("topic", 3) in keys_of(backend.search("backslash slash", STAFF, mode="suggest"))


# ---------------------------------------------------------------- typos


def test_misspelt_words_are_corrected(corpus):
    assert keys_of(corpus.search("подтвирждения кода", ANONYMOUS))[:1] == [("topic", 1)]
    assert keys_of(corpus.search("paymnets declined", ANONYMOUS))[:1] == [("topic", 3)]


def test_every_backend_plans_a_query_alike(corpus):
    """The shared planning (app/search/planning.py): the same terms, corrections and weights' order."""
    plan = corpus.plan("подтвирждения кода paymnets zzzzqqqq")
    planned = {t.term: t.variants for t in plan.terms}
    assert planned["код"] == [("код", 1.0)]  # a known word as typed
    assert [v for v, _ in planned["paymnet"]] == ["payment"]  # a typo: its correction, weighted lower
    assert planned["paymnet"][0][1] == pytest.approx(0.8)
    assert "zzzzqqqq" not in planned  # nothing to find
    assert all(t.weight > 0 for t in plan.terms) and plan.n_docs == len(CORPUS)
    assert corpus.plan("и в, а") is None and corpus.plan("") is None
    numbers = " ".join(str(n) for n in range(100, 130))
    request = corpus.plan(f"ипотека ставка {numbers}", mode="suggest")  # a whole request: numbers dropped
    assert {t.term for t in request.terms} == {"ипотека", "ставка"}


def test_spelling_suggestion(corpus):
    suggestion = corpus.spelling_suggestion("подтвирждения кода")
    assert suggestion is not None and "подтвержден" in suggestion and "кода" in suggestion
    assert corpus.spelling_suggestion("paymnets") == "payments"
    assert corpus.spelling_suggestion("карта код") is None  # known words
    assert corpus.spelling_suggestion("zzzzqqqq") is None  # nothing close
    assert corpus.spelling_suggestion("") is None


# ---------------------------------------------------------------- hostile and empty input

MALFORMED = [
    '"unbalanced',
    "NOT OR",
    "title:[a to z]",
    "&|!():*'",
    "AND",
    "OR OR OR",
    "(((",
    ")))",
    "*",
    "?",
    "~2",
    "карта^5",
    "title:карта",
    "'",
    "''",
    "\\",
    "\\'",
    "a\\",
    "'; DROP TABLE search_documents; --",
    "' OR 1=1 --",
    "1' OR '1'='1",
    "%",
    "_",
    "%%",
    "$1",
    ":x",
    "::tsquery",
    "<->",
    "!!",
    "a & & b",
    "\u0000",
    "a\u0000b",
    "\ufffd",
    "\U0001f600 emoji",
    "ـــ",
    "ꙮ",
    "い",
    "\u202e",
    " " * 1000,
    "код " * 3000,  # 12 kB
    ("слово" * 2000),  # one 10 kB word
    "&" * 10_000,
]


def _never_raises(backend, query):
    keys = backend.keys()
    for mode in ("search", "suggest"):
        result = backend.search(query, STAFF, mode=mode)
        assert result.total >= len(result.hits)
        assert set(keys_of(result)) <= keys
    backend.spelling_suggestion(query)


@pytest.mark.parametrize("query", MALFORMED, ids=range(len(MALFORMED)))
def test_malformed_queries_never_raise(corpus, query):
    _never_raises(corpus, query)


def test_empty_and_stop_word_queries_find_nothing(corpus):
    for query in ("", "   ", "и или the and", "!!!", None):
        result = corpus.search(query, STAFF)
        assert result.hits == [] and result.total == 0
        assert corpus.spelling_suggestion(query) is None


def test_injection_strings_match_only_their_words(corpus):
    for query in ("' OR 1=1 --", "1' OR '1'='1", "') OR ('a'='a", "' UNION SELECT kind, ref_id FROM x --"):
        assert corpus.search(query, STAFF).hits == []
    assert corpus.keys() == {d.key for d in CORPUS}


@pytest.mark.parametrize("name", sorted(PAYLOAD_FILES))
def test_payload_corpora_never_raise(corpus, name):
    path = PAYLOAD_FILES[name]
    if not path.is_file():
        pytest.skip(f"{path} is absent ({HOW_TO_GET})")
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    keys = corpus.keys()

    def timed(line: str) -> float:
        started = time.perf_counter()
        for mode in ("search", "suggest"):
            result = corpus.search(line, ANONYMOUS, mode=mode)
            assert set(keys_of(result)) <= keys
            assert not {(k, i) for k, i in keys_of(result)} & {("topic", 5), ("topic", 6)}
        corpus.spelling_suggestion(line)
        return time.perf_counter() - started

    seconds, slowest = max((timed(line), line) for line in dict.fromkeys(lines))
    if seconds >= 2.0:  # once more: a time-based injection is slow again, a pause of a loaded machine is not
        seconds = timed(slowest)
    assert corpus.keys() == keys
    assert seconds < 2.0, f"a payload took {seconds:.2f}s (time-based injection?): {slowest!r}"


__all__ = [name for name in dir() if name.startswith("test_")] + ["corpus", "CORPUS", "doc", "keys_of"]
