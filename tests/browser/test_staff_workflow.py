"""Departments at work in the browser: the ask form says when each department answers, a lead assigns the topic
from the queue and leaves an internal note, and the customer never sees it."""

import pytest

from app.admin import services as admin_services
from app.auth import services as auth_services
from app.extensions import db
from app.staff import hours
from app.staff import services as staff_services
from tests.browser.helpers import ask, expect, log_in, register
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def departments(live_server):
    """Private clients (round the clock, Cards) led by Pavel with Rita; Business (Mon–Fri 9–18 Moscow, Acquiring)."""
    with live_server.app.app_context():
        admin = auth_services.register_user("admin@test.example", PASSWORD, "Ada Admin", role="admin")
        private = staff_services.create_department("Private clients")
        business = staff_services.create_department("Business")
        admin_services.create_category("Cards", private.id)
        admin_services.create_category("Acquiring", business.id)
        for email, name in (("pavel@test.example", "Pavel Private"), ("rita@test.example", "Rita Second")):
            auth_services.register_user(email, PASSWORD, name, role="representative").departments = [private]
        db.session.flush()
        staff_services.update_department_hours(admin, private, "UTC", hours.ALL_DAYS, 0, 24 * 60, 6, 40)
        staff_services.update_department_hours(admin, business, "Europe/Moscow", hours.WEEKDAYS, 9 * 60, 18 * 60, 6, 40)
        staff_services.set_department_leads(admin, private, [private.members[0].id])
        db.session.commit()
        db.session.remove()


def test_expectation_assignment_and_a_note_customers_never_see(live_server, departments, new_session):
    customer = new_session("customer")
    register(customer, live_server, "Carol Customer", "carol@test.example", "a-long-enough-secret-42")
    customer.goto(live_server("/new"))
    note = customer.locator("#ask-expectation")
    category = customer.locator("select[name=category_id]")
    category.select_option(label="Acquiring")
    # In or out of Business's hours (the note depends on the clock), it names that department's hours.
    expect(note).to_contain_text("9:00–18:00, Mon–Fri (Moscow time, UTC+3)")
    category.select_option(label="Cards")
    expect(note).to_contain_text("Our representatives are at work now (round the clock)")
    topic_url = ask(
        customer,
        live_server.url,
        type_label="Problem",
        title="Card blocked after a trip",
        body="It stopped working in Riga.",
        category="Cards",
        mood_label="Upset",
    )

    lead = new_session("lead")
    log_in(lead, live_server.url, "pavel@test.example", PASSWORD)
    expect(lead.locator("a.staff-nav")).to_have_text("Queues (1)")
    lead.locator("a.staff-nav").click()
    row = lead.locator("tr.queue-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("First answer: 6 h 00 min left")
    row.locator("a.topic-title").click()
    panel = lead.locator("#staff-panel")
    panel.locator("summary", has_text="Assign").click()
    panel.locator("select[name=assignee_id]").select_option(label="Rita Second")
    panel.locator("#assign-note").fill("Rita handled the Riga terminals.")
    panel.locator("button", has_text="Assign").last.click()
    expect(lead.locator(".flash")).to_contain_text("Assigned to Rita Second.")
    expect(panel.locator("#work-assignee")).to_have_text("Rita Second")
    expect(panel.locator("#work-history")).to_contain_text("Pavel Private assigned it to Rita Second")
    panel.locator("#note-body").fill("Customer called the hotline too, ticket **4711**.")
    panel.locator("button", has_text="Add internal note").click()
    expect(lead.locator("#internal-notes strong")).to_have_text("4711")

    customer.goto(topic_url)
    expect(customer.locator("h1")).to_have_text("Card blocked after a trip")
    expect(customer.locator("#staff-panel")).to_have_count(0)
    assert "4711" not in customer.content() and "Riga terminals" not in customer.content()
