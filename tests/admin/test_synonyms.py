"""/admin/synonyms: administrators add and remove synonym groups (validated, CSRF); nobody else may."""

import pytest

from app.admin import synonyms
from app.search import outbox
from app.search.models import SearchOutbox
from tests.helpers import db_snapshot, flashes, form_errors, page


@pytest.fixture
def admin(client_as, community):
    return client_as(community["admin"])


def test_the_page_lists_the_groups_and_the_built_in_spellings(admin):
    assert (
        admin.post("/admin/synonyms", {"phrases": " Ипотека =жилищный   кредит = ипотечный кредит "}).status_code == 302
    )

    view = page(admin.get("/admin/synonyms"))
    groups = [li.find("span").text for li in view.find("ul", class_="synonym-groups").find_all("li")]
    assert groups == ["Ипотека = жилищный кредит = ипотечный кредит"]
    assert "смс = sms" in view.find("details").text  # the built-in list stays on
    assert synonyms.saved_groups() == [["Ипотека", "жилищный кредит", "ипотечный кредит"]]


def test_saving_queues_the_index_update_in_the_same_transaction(app, admin):
    app.config["SEARCH_SYNC"] = "deferred"

    response = admin.post("/admin/synonyms", {"phrases": "вклад = депозит"}, follow_redirects=True)

    assert "Synonyms added: вклад = депозит." in " ".join(flashes(response))
    rows = [(row.kind, row.ref_id) for row in SearchOutbox.query.all()]
    assert rows == [(outbox.RESYNC, 0)]


@pytest.mark.parametrize(
    "phrases, message",
    [
        ("", 'Write at least two phrases separated by "=".'),
        ("ипотека", 'Write at least two phrases that mean the same, separated by "=", for example'),
        ("ипотека = Ипотеку", 'Write at least two phrases that mean the same, separated by "=", for example'),
        ("ипотека = и на", "«и на» has no word search can use"),
        ("ипотека = " + "очень " * 6 + "длинно", "is too long"),
        (" = ".join(f"слово{n}" for n in range(11)), "A group has at most 10 phrases."),
    ],
)
def test_bad_groups_are_form_errors_and_change_nothing(admin, phrases, message):
    before = db_snapshot()

    response = admin.post("/admin/synonyms", {"phrases": phrases})

    assert response.status_code == 422
    assert any(message in error for error in form_errors(response)), form_errors(response)
    assert db_snapshot() == before


def test_a_group_twice_is_refused(admin):
    assert admin.post("/admin/synonyms", {"phrases": "вклад = депозит"}).status_code == 302
    before = db_snapshot()

    response = admin.post("/admin/synonyms", {"phrases": "Депозит = вклад"})

    assert response.status_code == 422
    assert "This group is in the list already." in form_errors(response)
    assert db_snapshot() == before


def test_removing_a_group_that_is_gone_says_so(admin):
    assert admin.post("/admin/synonyms", {"phrases": "вклад = депозит"}).status_code == 302
    group = page(admin.get("/admin/synonyms")).find("input", name="group").get("value")
    assert admin.post("/admin/synonyms/remove", {"group": group}).status_code == 302
    assert synonyms.saved_groups() == []

    response = admin.post("/admin/synonyms/remove", {"group": group}, follow_redirects=True)

    assert "This synonym group is not in the list (removed already?)." in " ".join(flashes(response))
    assert admin.post("/admin/synonyms/remove", {"group": "<script>"}).status_code == 400


def test_posts_without_the_csrf_token_are_refused(admin):
    before = db_snapshot()
    for url, data in [
        ("/admin/synonyms", {"phrases": "вклад = депозит"}),
        ("/admin/synonyms/remove", {"group": "0" * 10}),
    ]:
        assert admin.post_raw(url, data=data).status_code == 400, url
    assert db_snapshot() == before


@pytest.mark.parametrize("role", ["customer", "rep_private", "moderator"])
def test_other_roles_are_refused_and_change_nothing(client_as, make_user, community, role):
    """Refused like every /admin page: 404 (the admin area does not show itself to other roles)."""
    client = client_as(make_user() if role == "customer" else community[role])
    before = db_snapshot()

    assert client.get("/admin/synonyms").status_code == 404
    assert client.post("/admin/synonyms", {"phrases": "вклад = депозит"}).status_code == 404
    assert client.post("/admin/synonyms/remove", {"group": "0" * 10}).status_code == 404
    assert db_snapshot() == before
