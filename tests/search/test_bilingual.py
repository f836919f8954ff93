"""Ukrainian and Russian requests meet through a dictionary (app/search/bilingual.py and the analyser)."""

import os

import pytest

from app.search import analysis, bilingual, translation
from app.search.analysis import analyse

# lt-print's text form of a tiny transducer: two sections, an epsilon, a loop on digits (numbers)
ATT = "\n".join(
    [
        "0\t1\tк\tк\t0.000000",
        "1\t2\tі\tо\t0.000000",
        "2\t3\tт\tт\t0.000000",
        "3\t4\t<n>\t<n>\t0.000000",
        "4",
        "0\t5\tТ\tт\t0.000000",
        "5\t6\tа\tа\t0.000000",
        "6\t7\tк\tк\t0.000000",
        "7\t8\t<adv>\t<adv>\t0.000000",
        "8",
        "0\t9\tс\tс\t0.000000",
        "9\t10\tі\tе\t0.000000",
        "10\t11\tн\tн\t0.000000",
        "11\t12\tо\tо\t0.000000",
        "12\t13\tε\t<n>\t0.000000",
        "13\t14\t<n>\tε\t0.000000",
        "14",
        "--",
        "0\t1\t1\t1\t0.000000",
        "1\t1\t2\t2\t0.000000",
        "1\t2\t<num>\t<num>\t0.000000",
        "2",
        "0\t3\tв\tв\t0.000000",
        "3\t4\tа\tа\t0.000000",
        "4\t5\tл\tл\t0.000000",
        "5\t6\t¹\t¹\t0.000000",
        "6\t7\t<n>\t<n>\t0.000000",
        "7\t8\tε\tε\t0.000000",
        "8",
    ]
)


def test_paths_of_a_printed_transducer_are_its_entries():
    pairs = set(bilingual.parse_att(ATT))
    assert ("кіт<n>", "кот<n>") in pairs
    assert ("сіно<n>", "сено<n>") in pairs  # epsilons on either side are dropped
    assert ("Так<adv>", "так<adv>") in pairs
    assert not any(inp[0].isdigit() for inp, _ in pairs)  # the number loop is not walked


def test_word_pairs_keep_words_lowercased_without_homograph_marks():
    table = bilingual.word_pairs(ATT)
    assert table["кіт"] == ["кот"] and table["сіно"] == ["сено"] and table["так"] == ["так"]
    assert table["вал"] == ["вал"]  # "вал¹": the mark tells homographs apart, not words


def test_no_dictionary_when_switched_off_or_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("OTKLIK_BILINGUAL_DICT", "off")
    assert bilingual.bidix_path() is None and bilingual.load_pairs() == {}
    monkeypatch.setenv("OTKLIK_BILINGUAL_DICT", str(tmp_path / "missing.autobil.bin"))
    assert bilingual.bidix_path() is None and bilingual.load_pairs() == {}


def test_an_unreadable_dictionary_yields_nothing(monkeypatch, tmp_path):
    broken = tmp_path / "broken.autobil.bin"
    broken.write_bytes(b"not a transducer")
    monkeypatch.setenv("OTKLIK_BILINGUAL_DICT", str(broken))
    if bilingual.bidix_path() is None:
        pytest.skip("lt-print (Debian package lttoolbox-dev) is not installed")
    assert bilingual.load_pairs() == {}


@pytest.fixture
def dictionary(monkeypatch):
    """The installed Apertium dictionary (skip without it; CI, with OTKLIK_REQUIRE_SERVICES=1, fails)."""
    monkeypatch.delenv("OTKLIK_BILINGUAL_DICT", raising=False)
    analysis.reset_translations()
    if bilingual.bidix_path() is None:
        if os.environ.get("OTKLIK_REQUIRE_SERVICES") == "1":
            pytest.fail(
                "the Apertium rus-ukr dictionary is required here: apt-get install apertium-rus-ukr lttoolbox-dev"
            )
        pytest.skip("the Apertium rus-ukr dictionary is not installed (apt-get install apertium-rus-ukr lttoolbox-dev)")
    return bilingual.load_pairs()


def test_installed_dictionary_pairs_thousands_of_words(dictionary):
    table = dictionary
    assert len(table) > 5000
    assert table["опалення"][0] == "отопление" and table["неділя"][0] == "воскресенье"


@pytest.mark.parametrize(
    "uk, ru",
    [
        ("Пошкодження труби теплопостачання", "Повреждение трубы теплоснабжения"),
        ("Утеплення фасаду", "Утепление фасада"),
        ("Неділя", "Воскресенье"),
    ],
)
def test_words_only_the_dictionary_knows_meet(dictionary, uk, ru):
    assert analyse(uk) == analyse(ru), (analyse(uk), analyse(ru))


def test_only_ukrainian_words_are_translated(dictionary):
    # "час" is "time" in Ukrainian and "hour" in Russian: each keeps its own meaning
    assert "время" in analyse("Прийшов час сплатити рахунок")
    ru_terms = analyse("Сколько стоит час работы мастера")
    assert "час" in ru_terms and "время" not in ru_terms


@pytest.fixture
def no_dictionary(monkeypatch):
    monkeypatch.setenv("OTKLIK_BILINGUAL_DICT", "off")
    analysis.reset_translations()
    yield
    monkeypatch.delenv("OTKLIK_BILINGUAL_DICT")
    analysis.reset_translations()


def test_without_the_dictionary_our_list_and_cognates_remain(no_dictionary):
    assert analyse("Відсутність опалення") == analyse("Отсутствие отопления")  # our list (synonyms.py)
    assert analyse("Світло не горить") == analyse("Свет не горит")  # горіти: a cognate
    assert analyse("Неділя") == ["неділя"]  # a false friend (not "неделя", week) stays as it is
    assert analyse("Пошкодження") == ["пошкодження"]  # only the dictionary knows it


def test_a_cognate_no_dictionary_lists_is_found_by_its_spelling():
    assert translation.russian_cognate("горіти") == ("гореть",)
    assert analyse("Світло не горить") == analyse("Свет не горит")
    assert translation.russian_cognate("дорога") == ("дорога",)  # already a Russian word: kept
    assert translation.russian_cognate("жбщ") == ("жбщ",)  # too short, nothing to try


def test_the_analyser_fingerprint_follows_the_dictionary(dictionary, monkeypatch):
    with_dictionary = analysis.fingerprint()
    assert with_dictionary == analysis.fingerprint()  # stable
    monkeypatch.setenv("OTKLIK_BILINGUAL_DICT", "off")
    analysis.reset_translations()
    try:
        assert analysis.fingerprint() != with_dictionary
    finally:
        monkeypatch.delenv("OTKLIK_BILINGUAL_DICT")
        analysis.reset_translations()
