"""Learning in the browser: a visitor who opens a suggestion and says it solved their problem teaches search
their wording; staff see and approve it on a narrow screen, with the keyboard, without axe violations."""

import pytest
from sqlalchemy import select

from app.admin import services as admin_services
from app.auth import services as auth_services
from app.community import services as community_services
from app.extensions import db
from app.learning.models import Phrasing
from app.staff import services as staff_services
from tests.browser.a11y import severe_violations
from tests.browser.helpers import expect, log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

EXISTING = "Как разблокировать карту после трёх неверных ПИН-кодов"
PHONE = {"viewport": {"width": 360, "height": 740}}


@pytest.fixture
def existing_topic(live_server):
    live_server.app.config["PHRASINGS_MIN_CUSTOMERS"] = 2
    with live_server.app.app_context():
        department = staff_services.create_department("Частные клиенты")
        category = admin_services.create_category("Карты", department.id)
        author = auth_services.register_user("author@test.example", PASSWORD, "Анна", role="customer")
        rep = auth_services.register_user("rep@test.example", PASSWORD, "Павел", role="representative")
        rep.departments = [department]
        topic = community_services.create_topic(
            author, "question", EXISTING, "Ввёл ПИН три раза неправильно.", category.id, mood="upset"
        )
        db.session.commit()
        topic_id = topic.id
        db.session.remove()
    return topic_id


def test_solved_by_a_suggestion_then_approved_by_staff(live_server, existing_topic, new_session):
    visitor = new_session("visitor", **PHONE)
    visitor.goto(f"{live_server.url}/new")
    visitor.locator("form#ask-form input[name=title]").press_sequentially("Карта заблокирована после ПИН", delay=30)
    first = visitor.locator("#suggestions .suggestion-title").first
    expect(first).to_have_text(EXISTING, timeout=10_000)
    first.click()

    offer = visitor.locator("#suggestion-solved")
    expect(offer).to_be_visible()
    offer.get_by_role("button", name="This solved my problem").click()
    expect(offer.locator(".solved-thanks")).to_be_visible()
    expect(offer.locator(".solved-question")).to_be_hidden()

    def phrasings():
        with live_server.app.app_context():
            rows = [(p.text, p.customers, p.confirmed) for p in db.session.scalars(select(Phrasing))]
            db.session.remove()
        return rows

    for _ in range(50):  # the beacon is asynchronous
        if phrasings():
            break
        visitor.wait_for_timeout(100)
    assert phrasings() == [("Карта заблокирована после ПИН", 1, False)]  # one customer of two: not yet in search

    visitor.goto(f"{live_server.url}/t/{existing_topic}")
    expect(visitor.locator("#suggestion-solved")).to_be_hidden()  # offered once, for the question asked
    assert "Карта заблокирована после ПИН" not in visitor.content()

    rep = new_session("rep", **PHONE)
    log_in(rep, live_server.url, "rep@test.example", PASSWORD)
    rep.goto(f"{live_server.url}/t/{existing_topic}")
    rep.locator(".phrasings-link a").click()
    item = rep.locator("li.phrasing").first
    expect(item).to_contain_text("Карта заблокирована после ПИН")
    assert severe_violations(rep) == []
    assert rep.evaluate("document.documentElement.scrollWidth") <= 360
    approve = item.get_by_role("button", name="Approve")
    approve.focus()
    rep.keyboard.press("Enter")
    expect(rep.locator("li.phrasing").first).to_contain_text("In search")
    assert phrasings() == [("Карта заблокирована после ПИН", 1, True)]

    rep.locator("input[name=text]").fill("Не могу снять наличные, карта заблокирована")
    rep.locator("input[name=text]").press("Enter")
    expect(rep.locator("li.phrasing")).to_have_count(2)
    assert severe_violations(rep) == []
