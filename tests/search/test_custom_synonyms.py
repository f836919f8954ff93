"""Synonym groups an administrator adds in /admin/synonyms: after the background update of the index a search
in one phrasing finds the other (documents and queries alike), removing the group undoes it. Runs on the
configured backend (Whoosh, or PostgreSQL with TEST_SEARCH_BACKEND=postgres)."""

import pytest

from app.search import analysis, custom_synonyms, outbox
from app.search.backends import get_backend
from tests.helpers import page

GROUP = "ипотека = жилищный кредит"


def suggested_ids(client, title):
    response = client.get("/api/v1/suggest", query_string={"title": title})
    assert response.status_code == 200
    return [item["id"] for item in response.get_json()]


def search_page_ids(client, query):
    links = page(client.get("/search", query_string={"q": query})).find_all("a")
    return {int(a.get("href").split("/t/")[1].split("-")[0]) for a in links if (a.get("href") or "").startswith("/t/")}


@pytest.fixture
def topics(make_topic, community):
    return {
        "home_loan": make_topic(
            title="Можно ли досрочно погасить жилищный кредит?", body="Платёж каждый месяц, хочу закрыть раньше."
        ),
        "mortgage": make_topic(title="Ипотека для молодой семьи", body="Какие условия и первый взнос?"),
        "car_loan": make_topic(title="Кредит на автомобиль", body="Нужен ли первый взнос за машину?"),
    }


def add_group(client, text=GROUP):
    response = client.post("/admin/synonyms", {"phrases": text})
    assert response.status_code == 302, response.get_data(as_text=True)[:600]


def test_an_added_group_finds_the_other_phrasing_after_the_background_update(client_as, community, topics):
    admin, customer = client_as(community["admin"]), client_as()
    fingerprint_before = get_backend().indexed_fingerprint()
    # nothing links the two phrasings before: this is not something search already knew
    assert topics["home_loan"].id not in suggested_ids(customer, "ипотека")
    assert topics["mortgage"].id not in suggested_ids(customer, "жилищный кредит")

    add_group(admin)

    assert outbox.pending_count() == 0  # applied after the admin's commit (SEARCH_SYNC=inline)
    assert topics["home_loan"].id in suggested_ids(customer, "ипотека")
    assert topics["mortgage"].id in suggested_ids(customer, "жилищного кредита")  # another word form
    assert topics["home_loan"].id in search_page_ids(customer, "ипотеку")
    assert topics["mortgage"].id in search_page_ids(customer, "жилищный кредит")
    # "кредит" alone is not the phrase: the car loan does not become a mortgage, nor the other way round
    assert topics["car_loan"].id not in suggested_ids(customer, "ипотека")
    # the index records the analyser it was rebuilt with
    assert get_backend().indexed_fingerprint() == analysis.fingerprint() != fingerprint_before


def test_removing_the_group_undoes_it(client_as, community, topics):
    admin, customer = client_as(community["admin"]), client_as()
    fingerprint_before = get_backend().indexed_fingerprint()
    add_group(admin)
    assert topics["home_loan"].id in suggested_ids(customer, "ипотека")

    group = page(admin.get("/admin/synonyms")).find("input", name="group").get("value")
    assert admin.post("/admin/synonyms/remove", {"group": group}).status_code == 302

    assert topics["home_loan"].id not in suggested_ids(customer, "ипотека")
    assert topics["mortgage"].id not in suggested_ids(customer, "жилищный кредит")
    assert get_backend().indexed_fingerprint() == analysis.fingerprint() == fingerprint_before


def test_with_deferred_sync_the_worker_applies_the_change(app, client_as, community, topics, runner):
    """SEARCH_SYNC=deferred: the admin's request only queues the work; `flask search sync` (the worker) does it."""
    app.config["SEARCH_SYNC"] = "deferred"
    admin, customer = client_as(community["admin"]), client_as()

    add_group(admin)

    assert outbox.pending_count() == 1
    assert topics["home_loan"].id not in suggested_ids(customer, "ипотека")  # documents not re-analysed yet
    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code == 0, result.output
    assert outbox.pending_count() == 0
    assert topics["home_loan"].id in suggested_ids(customer, "ипотека")
    assert runner.invoke(args=["search", "verify"]).exit_code == 0


def test_a_new_document_is_analysed_with_the_groups(client_as, community, make_topic):
    admin, customer = client_as(community["admin"]), client_as()
    add_group(admin, "вклад = депозит")

    topic = make_topic(title="Проценты по депозиту на год", body="Какая ставка?")

    assert topic.id in suggested_ids(customer, "вклады")


def test_phrases_match_whole_and_in_order():
    groups = custom_synonyms.compile_groups([["ипотека", "жилищный кредит"]])
    (term,) = {t for entries in groups.by_first.values() for _, t in entries}

    def terms(text):
        return [t for t, _, _ in custom_synonyms.expand(analysis.analyse_spans(text, custom=False), groups)]

    assert terms("Жилищного кредита нет") == ["жилищный", term, "кредит", term, "нет"]
    assert term in terms("ипотеку")
    assert term not in terms("кредит жилищный") and term not in terms("кредит")
