"""A representative opens the queue, answers the oldest topic, and the customer's e-mail arrives at a real SMTP
server; the link in the e-mail opens the topic with the official answer."""

import time
from datetime import timedelta

import pytest
from sqlalchemy import update

from app.admin import services as admin_services
from app.auth import services as auth_services
from app.common.db import utcnow
from app.community import services as community_services
from app.extensions import db
from app.staff import hours
from app.staff import services as staff_services
from app.staff.models import TopicWork
from tests.browser.helpers import expect, log_in
from tests.factories import PASSWORD
from tests.notify.smtp import SmtpServer, html_part, text_part

pytestmark = pytest.mark.browser

REP_EMAIL = "rep.private@test.example"
OLDEST = "My card was swallowed by an ATM"


@pytest.fixture
def smtp(live_server):
    server = SmtpServer().start()
    server.configure(live_server.app)
    live_server.app.config.update(PUBLIC_URL=live_server.url, COMMUNITY_NAME="Bank Community")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def waiting_topics(live_server, smtp):
    """Three questions for Private clients; Carol's has waited longest."""
    with live_server.app.app_context():
        admin = auth_services.register_user("admin@test.example", PASSWORD, "Ada Admin", role="admin")
        department = staff_services.create_department("Private clients")
        category = admin_services.create_category("Cards", department.id)
        rep = auth_services.register_user(REP_EMAIL, PASSWORD, "Pavel Private", role="representative")
        rep.departments = [department]
        db.session.flush()
        staff_services.update_department_hours(admin, department, "UTC", hours.ALL_DAYS, 0, 24 * 60, 6, 40)
        carol = auth_services.register_user("carol@test.example", PASSWORD, "Carol Customer")
        dave = auth_services.register_user("dave@test.example", PASSWORD, "Dave Customer")
        for author, title, age in (
            (dave, "Limits for online payments", 1),
            (carol, OLDEST, 5),
            (dave, "New card design", 3),
        ):
            topic = community_services.create_topic(author, "question", title, "Details.", category.id, mood="upset")
            db.session.flush()
            db.session.execute(
                update(TopicWork)
                .where(TopicWork.topic_id == topic.id)
                .values(waiting_since=utcnow() - timedelta(hours=age))
            )
        db.session.commit()
        db.session.remove()
    smtp.deliveries.clear()  # the representative's new-topic e-mails


def _wait_for(inbox, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        messages = inbox()
        if messages:
            return messages
        time.sleep(0.1)
    return inbox()


def test_representative_answers_the_oldest_topic_and_the_customer_gets_the_e_mail(
    live_server, smtp, waiting_topics, new_session
):
    reply = "We have blocked the card and ordered a new one; it will be at your branch on Friday."
    representative = new_session("representative")
    log_in(representative, live_server.url, REP_EMAIL, PASSWORD)

    representative.goto(live_server("/staff/"))
    rows = representative.locator("table#queue tr.queue-row")
    expect(rows).to_have_count(3)
    expect(rows.first.locator("a.topic-title")).to_have_text(OLDEST)  # longest waiting first
    rows.first.locator("a.topic-title").click()
    expect(representative.locator("h1")).to_have_text(OLDEST)
    form = representative.locator("form#answer")
    form.locator("textarea[name=body]").fill(reply)
    form.locator("button[type=submit]").click()
    expect(representative.locator(".flash")).to_contain_text("Your answer is published.")

    [message] = _wait_for(lambda: smtp.inbox("carol@test.example"))
    assert message["Subject"] == f"Official answer: {OLDEST}"
    assert message["From"] == "Bank Community <support@test.example>"
    text = text_part(message)
    assert reply in text
    assert "Pavel Private (official representative, Private clients) answered:" in text
    assert reply in html_part(message)
    assert smtp.inbox("dave@test.example") == [] and smtp.inbox(REP_EMAIL) == []

    # The link in the e-mail opens the topic with the answer.
    link = next(line.removeprefix("Reply: ") for line in text.splitlines() if line.startswith("Reply: "))
    assert link.startswith(live_server.url)
    customer = new_session("customer")
    customer.goto(link)
    official = customer.locator("article.comment.official")
    expect(official.locator(".body")).to_have_text(reply)
    expect(customer.locator("#topic-status")).to_have_text("Answered")
