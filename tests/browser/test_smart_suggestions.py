"""Smart search in the browser: typing on /new suggests the matching topic; clicking it keeps the draft."""

import pytest
from sqlalchemy import select

from app.admin import services as admin_services
from app.analytics.models import Event
from app.auth import services as auth_services
from app.community import services as community_services
from app.extensions import db
from app.staff import services as staff_services
from tests.browser.helpers import expect, log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

EXISTING = "Как разблокировать карту после трёх неверных ПИН-кодов"


@pytest.fixture
def existing_topic(live_server):
    with live_server.app.app_context():
        department = staff_services.create_department("Частные клиенты")
        category = admin_services.create_category("Карты", department.id)
        author = auth_services.register_user("author@test.example", PASSWORD, "Анна", role="customer")
        auth_services.register_user("asker@test.example", PASSWORD, "Борис", role="customer")
        community_services.create_topic(
            author, "question", EXISTING, "Ввёл ПИН три раза неправильно.", category.id, mood="upset"
        )
        community_services.create_topic(author, "idea", "Добавьте тёмную тему в приложение", "", category.id)
        db.session.commit()
        db.session.remove()


def test_typing_a_question_suggests_the_existing_topic_and_keeps_the_draft(live_server, existing_topic, new_session):
    page = new_session("asker")
    log_in(page, live_server.url, "asker@test.example", PASSWORD)
    page.goto(f"{live_server.url}/new")
    form = page.locator("form#ask-form")
    form.locator("textarea[name=body]").fill("Сегодня утром три раза ошибся с ПИН-кодом в банкомате.")
    form.locator("input[name=title]").press_sequentially("Карта заблокирована после ПИН", delay=30)

    suggestions = page.locator("#suggestions")
    expect(suggestions).to_be_visible(timeout=10_000)
    first = suggestions.locator(".suggestion-title").first
    expect(first).to_have_text(EXISTING)
    expect(suggestions.locator("mark").first).to_be_visible()
    expect(suggestions).not_to_contain_text("тёмную тему")

    first.click()
    expect(page.locator("h1")).to_have_text(EXISTING)
    page.go_back()
    expect(page.locator("input[name=title]")).to_have_value("Карта заблокирована после ПИН")
    expect(page.locator("textarea[name=body]")).to_have_value("Сегодня утром три раза ошибся с ПИН-кодом в банкомате.")

    with live_server.app.app_context():
        names = set(db.session.scalars(select(Event.name)))
        db.session.remove()
    assert {"suggestions_shown", "suggestion_clicked"} <= names

    # Back on the draft the suggestions come again; "None of these, continue" puts them away.
    expect(suggestions).to_be_visible(timeout=10_000)
    page.locator("#suggestions-dismiss").click()
    expect(suggestions).to_be_hidden()


def test_official_answer_badge_only_on_answered_suggestions(live_server, new_session):
    """The badge follows the topic: shown for the officially answered one, hidden for the unanswered one."""
    answered_title = "Карта не работает за границей после поездки"
    open_title = "Карта не работает в метро после поездки"
    with live_server.app.app_context():
        department = staff_services.create_department("Частные клиенты")
        category = admin_services.create_category("Карты", department.id)
        author = auth_services.register_user("author@test.example", PASSWORD, "Анна", role="customer")
        auth_services.register_user("asker@test.example", PASSWORD, "Борис", role="customer")
        rep = auth_services.register_user("rep@test.example", PASSWORD, "Павел", role="representative")
        rep.departments = [department]
        answered = community_services.create_topic(
            author, "question", answered_title, "Карта не работает.", category.id, mood="upset"
        )
        community_services.create_topic(author, "question", open_title, "Карта не работает.", category.id, mood="upset")
        community_services.post_comment(rep, answered, "Включите платежи за границей в приложении.")
        db.session.commit()
        assert answered.has_official_answer
        db.session.remove()

    page = new_session("asker")
    log_in(page, live_server.url, "asker@test.example", PASSWORD)
    page.goto(f"{live_server.url}/new")
    page.locator("form#ask-form input[name=title]").press_sequentially("Карта не работает после поездки", delay=20)
    suggestions = page.locator("#suggestions")
    expect(suggestions).to_be_visible(timeout=10_000)
    answered_item = suggestions.locator(".suggestion", has_text=answered_title)
    open_item = suggestions.locator(".suggestion", has_text=open_title)
    expect(answered_item).to_have_count(1)
    expect(open_item).to_have_count(1)
    expect(answered_item.locator(".badge.answered")).to_be_visible()
    expect(answered_item.locator(".badge.answered")).to_have_text("Official answer")
    expect(open_item.locator(".badge.answered")).to_be_hidden()


def test_a_restored_draft_gets_a_new_draft_id_so_the_earlier_deflection_stays(live_server, existing_topic, new_session):
    """Opening a suggestion is a deflection; coming back to /new later restores the text but starts a new draft,
    so posting it does not take the first deflection back (it used to reuse the stored draft id)."""
    page = new_session("asker")
    log_in(page, live_server.url, "asker@test.example", PASSWORD)
    page.goto(f"{live_server.url}/new")
    form = page.locator("form#ask-form")
    form.locator("input[name=title]").press_sequentially("Карта заблокирована после ПИН", delay=30)
    suggestions = page.locator("#suggestions")
    expect(suggestions).to_be_visible(timeout=10_000)
    first_draft = form.locator("input[name=draft_id]").input_value()
    suggestions.locator(".suggestion-title").first.click()
    expect(page.locator("h1")).to_have_text(EXISTING)

    page.goto(f"{live_server.url}/new")
    expect(form.locator("input[name=title]")).to_have_value("Карта заблокирована после ПИН")
    second_draft = form.locator("input[name=draft_id]").input_value()
    assert second_draft and second_draft != first_draft
    expect(suggestions).to_be_visible(timeout=10_000)
    page.locator("#suggestions-dismiss").click()
    form.locator("select[name=category_id]").select_option(label="Карты")
    form.get_by_role("radio", name="Upset", exact=True).check()
    form.locator("textarea[name=body]").fill("После трёх неверных ПИН-кодов карта заблокирована, что делать?")
    form.locator("button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Карта заблокирована после ПИН")

    with live_server.app.app_context():
        from datetime import date

        from app.analytics import reports
        from app.analytics.periods import Period

        events = {(e.name, e.draft_id) for e in db.session.scalars(select(Event))}
        funnel = reports.funnel(Period(date.today(), date.today()))
        db.session.remove()
    assert ("suggestion_clicked", first_draft) in events
    assert ("topic_posted", second_draft) in events
    assert ("topic_posted", first_draft) not in events
    assert (funnel.drafts_with_suggestions, funnel.deflected, funnel.posted_after_suggestions) == (2, 1, 1)
