"""The shared analyser (app/search/analysis.py): one pipeline for documents and queries."""

import time

import pytest

from app.search import analysis, typos
from app.search.analysis import analyse, analyse_query, analyse_spans, words
from app.search.highlighting import highlight


def same_terms(a: str, b: str) -> bool:
    return analyse(a) == analyse(b)


@pytest.mark.parametrize(
    "a, b",
    [
        ("карты", "карта"),
        ("картой", "карту"),  # Russian inflection
        ("відділеннях", "відділення"),
        ("картки", "картка"),  # Ukrainian inflection
        ("ёлка", "елка"),
        ("щётка", "щетки"),
        ("Ёлочные", "елочный"),  # ё → е
        ("running", "runs"),
        ("payments", "payment"),
        ("Cards", "card"),  # English stems
        ("ПРИЛОЖЕНИЕ", "приложения"),  # case
        ("п’ять", "п'ять"),
        ("пʼять", "п`ять"),
        ("зв”язку", "зв'язку"),  # Ukrainian apostrophes
        ("під'їзд", "підїзд"),  # ... also when it is left out
        ("замо́к", "замок"),  # stress marks
        ("кaрта", "карта"),  # a Latin "a" typed inside a Cyrillic word
    ],
)
def test_inflected_and_variant_forms_meet(a, b):
    assert analyse(a) and same_terms(a, b), (analyse(a), analyse(b))


def test_russian_and_ukrainian_requests_meet():
    ru = analyse("Не работает лифт в подъезде, нет горячей воды и отопления")
    uk = analyse("Не працює ліфт у під’їзді, немає гарячої води і опалення")
    assert ru == uk
    assert set(analyse("перевод на карту")) == set(analyse("переказ на картку"))


def test_language_is_chosen_per_word():
    terms = analyse("Бабуся не працює. Бабушка не работает. Grandma does not work.")
    assert "бабуся" in terms and "бабушка" in terms and "grandma" in terms and "work" in terms
    assert terms.count("работать") == 2  # "працює" has a Russian equivalent (synonyms.py)
    assert "не" in terms and "not" in terms  # negation is kept


def test_stop_words_are_dropped_but_not_negation():
    assert analyse("и в на the a of що як") == []
    assert analyse("не приходит") == ["не", "приходить"]


def test_digits_hyphens_and_mixed_tokens():
    terms = analyse("Ошибка 404 при оплате 3DS, wi-fi и e-mail, интернет-банк")
    for term in ("404", "3ds", "wi", "fi", "wifi", "mail", "email", "интернет", "банк"):
        assert term in terms, term


def test_duplicates_and_order_are_kept():
    assert analyse("карта карты карту") == ["карта"] * 3
    assert analyse("карта кредит") == ["карта", "кредит"]


def test_words_have_spans():
    text = "Привет, мир! п’ять"
    spans = words(text)
    assert [w for _, _, w in spans] == ["Привет", "мир", "п’ять"]
    assert all(text[s:e] == w for s, e, w in spans)
    text = "карты банка"
    assert [(t, text[s:e]) for t, s, e in analyse_spans(text)] == [("карта", "карты"), ("банк", "банка")]


def test_query_is_bounded_and_fast():
    text = "Не приходят деньги на карту после перевода из другого банка " * 200  # ~12 kB
    analyse_query("прогрев кешей")
    started = time.thread_time()  # this thread's CPU: a loaded machine's waits are not the analyser's cost
    terms = analyse_query(text)
    assert len(terms) <= 64 and terms[:3] == ["не", "приходить", "деньга"]
    assert time.thread_time() - started < 0.1
    assert len(analyse_query(text, max_terms=5)) == 5
    started = time.thread_time()
    for query in ("слово" * 2000, "&" * 10_000, "x" * 10_000 + " карта", "\u0000\ufffd"):
        analyse_query(query)
    assert time.thread_time() - started < 0.5
    assert analyse("x" * 3000) == ["x" * analysis.MAX_WORD_CHARS]


def test_a_short_query_analyses_in_under_2_ms():
    query = "не приходит смс с кодом при оплате картой"
    analyse_query(query)
    runs = []
    for _ in range(50):
        started = time.perf_counter()
        analyse_query(query)
        runs.append(time.perf_counter() - started)
    assert sorted(runs)[25] < 0.002


def test_empty_and_odd_input():
    for text in ("", "   ", "!!!", "…", "\u0000", "''", "--"):
        assert analyse(text) == []
        assert analyse_query(text) == []
    assert analyse(None or "") == []


# ---------------------------------------------------------------- highlighting


def test_highlight_marks_lemmas_and_escapes_html():
    text = 'Я потерял <b>карту</b> & "картой" не платил'
    out = highlight(text, "карты")
    assert out == "Я потерял &lt;b&gt;<mark>карту</mark>&lt;/b&gt; &amp; &quot;<mark>картой</mark>&quot; не платил"


def test_highlight_is_safe_html_for_hostile_text():
    text = "<script>alert(1)</script> <img src=x onerror=alert(1)> карта"
    out = highlight(text, "<script> карта onerror")
    stripped = out.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in stripped and ">" not in stripped
    assert "<mark>карта</mark>" in out and "<mark>onerror</mark>" in out


def test_highlight_picks_the_best_window_and_marks_cuts():
    text = ("вступление " * 60) + "Деньги за перевод на карту не пришли, перевод завис. " + ("заключение " * 60)
    out = highlight(text, "перевод карта", max_chars=120)
    assert out.startswith("…") and out.endswith("…")
    assert "<mark>перевод</mark>" in out and "<mark>карту</mark>" in out
    assert len(out.replace("<mark>", "").replace("</mark>", "")) <= 120 + 2


def test_highlight_without_matches_returns_the_beginning():
    assert highlight("Короткий текст.", "ничего") == "Короткий текст."
    out = highlight("слово " * 100, "ничего", max_chars=50)
    assert out.endswith("…") and "<mark>" not in out and len(out) <= 51
    assert highlight("", "карта") == ""


def test_highlight_of_an_enormous_word_is_cut():
    out = highlight("x" * 10_000 + " карта", "карта", max_chars=100)
    assert len(out) < 300 and "…" in out


def test_highlight_across_languages_and_english():
    assert "<mark>ліфт</mark>" in highlight("Не працює ліфт у будинку", "лифт")
    assert "<mark>payments</mark>" in highlight("My payments fail", "payment")


# ---------------------------------------------------------------- typo helpers


def test_typo_budget_and_distance():
    assert typos.typo_budget("код") == 0
    assert typos.typo_budget("карта") == 1
    assert typos.typo_budget("приложение") == 2
    assert typos.typo_budget("3ds1") == 0
    assert typos.edit_distance("карта", "катра", 1) == 1  # transposition
    assert typos.edit_distance("карта", "карта", 1) == 0
    assert typos.edit_distance("приложение", "прилажение", 2) == 1
    assert typos.edit_distance("abc", "xyz", 1) == 2  # capped at limit + 1


def test_correct_term():
    vocab = {"приложение": 10, "предложение": 50, "карта": 5, "карат": 1}
    assert typos.correct_term("приложенее", vocab, vocab) == "приложение"
    assert typos.correct_term("карта", vocab, vocab) is None  # known: nothing to correct
    assert typos.correct_term("катра", vocab, vocab) == "карта"
    assert typos.correct_term("кот", vocab, vocab) is None  # too short to correct
    assert typos.correct_term("zzzzzz", vocab, vocab) is None


def test_dictionary_words_are_not_typos():
    assert analysis.is_dictionary_word("приложение")
    assert analysis.is_dictionary_word("відділення")
    assert not analysis.is_dictionary_word("приложенее")
    assert not analysis.is_dictionary_word("payment")


def test_dictionary_corrections():
    assert "кредитная" in typos.dictionary_corrections("кредитнаяя")
    assert typos.dictionary_corrections("прихдит") == ()  # needs an inserted letter ...
    assert "приходит" in typos.dictionary_corrections("прихдит", thorough=True)  # ... found when thorough
    assert typos.dictionary_corrections("карта") == ()  # known word
    assert typos.dictionary_corrections("card") == ()  # no dictionary for Latin


def test_replace_words_makes_a_did_you_mean_line():
    text = "Не  приходт смс"
    assert analysis.replace_words(text, [(4, 11, "приходит")]) == "Не приходит смс"
    assert analysis.replace_words(text, []) is None
    assert analysis.replace_words("Карта", [(0, 5, "карта")]) is None  # reads the same


def test_numbers_are_dropped_only_from_a_whole_request():
    title = analyse_spans("Ошибка 3002 при оплате")
    assert not analysis.is_long_request(title)
    request = analyse_spans("Квартира 27, дом 15 " + " ".join(f"слово{c}" for c in "абвгдежзиклмнопрстуфхцчшщ"))
    assert analysis.is_long_request(request)
    kept = [t for t, _, _ in analysis.request_spans(request)]
    assert "квартира" in kept and "27" not in kept and "15" not in kept


def test_negation_is_searchable_but_not_highlighted():
    from app.search.analysis import analyse
    from app.search.highlighting import highlight

    assert "не" in analyse("карта не работает")
    snippet = highlight("Карта не работает, и не только за границей", "карта не работает")
    assert snippet == "<mark>Карта</mark> не <mark>работает</mark>, и не только за границей"


def test_cyrillic_spelling_highlights_the_latin_word_and_back():
    from app.search.highlighting import highlight

    assert highlight("Не приходит SMS с кодом", "смс") == "Не приходит <mark>SMS</mark> с кодом"
    assert highlight("Сменить ПИН-код", "PIN") == "Сменить <mark>ПИН-код</mark>"  # whole words are marked
