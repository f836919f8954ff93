"""A customer asks in the browser, a department's representative answers, the customer sees the badge."""

import pytest

from app.admin import services as admin_services
from app.auth import services as auth_services
from app.extensions import db
from app.staff import services as staff_services
from tests.browser.helpers import answer, ask, expect, log_in, register
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

REP_EMAIL = "rep.private@test.example"


@pytest.fixture
def private_clients(live_server):
    """Department "Private clients" answering the category "Cards", with one representative."""
    with live_server.app.app_context():
        department = staff_services.create_department("Private clients")
        admin_services.create_category("Cards", department.id)
        representative = auth_services.register_user(REP_EMAIL, PASSWORD, "Pavel Private", role="representative")
        representative.departments = [department]
        db.session.commit()
        db.session.remove()


def test_customer_asks_and_sees_the_official_answer(live_server, private_clients, new_session):
    title = "My new card does not work abroad"
    reply = "Please enable payments abroad in the app: Cards, then Limits."

    customer = new_session("customer")
    register(customer, live_server, "Carol Customer", "carol@test.example", "a-long-enough-secret-42")
    topic_url = ask(
        customer,
        live_server.url,
        type_label="Question",
        title=title,
        body="I paid in a shop in Riga and the payment was **declined**.",
        category="Cards",
        mood_label="Upset",
    )
    expect(customer.locator(".flash")).to_contain_text("Your topic is published. Private clients will answer it.")
    expect(customer.locator("#topic")).to_contain_text("Responsible: Private clients")
    expect(customer.locator("#topic-status")).to_have_text("Open")
    expect(customer.locator("#topic .body strong")).to_have_text("declined")
    expect(customer.locator(".comments h2")).to_have_text("0 answers")

    representative = new_session("representative")
    log_in(representative, live_server.url, REP_EMAIL, PASSWORD)
    answer(representative, topic_url, reply)

    customer.reload()
    official = customer.locator("article.comment.official")
    expect(official).to_have_count(1)
    expect(official).to_be_visible()
    expect(official.locator("header")).to_contain_text("Pavel Private")
    expect(official.locator(".badge.official")).to_have_text("Official representative · Private clients")
    expect(official.locator(".body")).to_have_text(reply)
    expect(customer.locator(".comments h2")).to_have_text("1 answer")
    expect(customer.locator("#topic-status")).to_have_text("Answered")
    assert customer.evaluate("document.documentElement.lang") == "en"
