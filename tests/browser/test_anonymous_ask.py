"""A visitor types a question without an account, sees suggestions (counted), posts, is sent to register or log
in, and comes back to the same draft (title, body, type, mood, category), which then posts as theirs."""

import pytest
from sqlalchemy import select

from app.admin import services as admin_services
from app.analytics.models import Event
from app.auth import services as auth_services
from app.community import services as community_services
from app.community.models import Topic
from app.extensions import db
from app.staff import services as staff_services
from tests.browser.helpers import TOPIC_URL, expect, follow_mail_link
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

TITLE = "Карта заблокирована после трёх ошибок ПИН"
BODY = "Три раза ошибся с ПИН-кодом в банкомате, теперь карта не работает."


@pytest.fixture
def community(live_server):
    with live_server.app.app_context():
        department = staff_services.create_department("Частные клиенты")
        admin_services.create_category("Вклады", department.id)
        category = admin_services.create_category("Карты", department.id)
        author = auth_services.register_user("author@test.example", PASSWORD, "Анна")
        auth_services.register_user("boris@test.example", PASSWORD, "Борис")
        community_services.create_topic(
            author,
            "question",
            "Как разблокировать карту после неверных ПИН-кодов",
            "Ввёл ПИН три раза неправильно.",
            category.id,
            mood="upset",
        )
        db.session.commit()
        db.session.remove()


def _write_draft(page, base_url: str) -> None:
    page.goto(f"{base_url}/new")
    expect(page.locator(".ask-anonymous")).to_be_visible()
    form = page.locator("form#ask-form")
    form.get_by_role("radio", name="Problem", exact=True).check()
    form.locator("textarea[name=body]").fill(BODY)
    form.locator("select[name=category_id]").select_option(label="Карты")
    form.get_by_role("radio", name="Upset", exact=True).check()
    form.locator("input[name=title]").press_sequentially(TITLE, delay=20)
    expect(page.locator("#suggestions .suggestion-title").first).to_have_text(
        "Как разблокировать карту после неверных ПИН-кодов", timeout=10_000
    )
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{base_url}/login?next=/new?resume%3D1")
    expect(page.locator(".flash")).to_contain_text("your draft is kept")


def _post_restored_draft(page, base_url: str) -> None:
    expect(page).to_have_url(f"{base_url}/new?resume=1")
    form = page.locator("form#ask-form")
    expect(form.locator("input[name=title]")).to_have_value(TITLE)
    expect(form.locator("textarea[name=body]")).to_have_value(BODY)
    expect(form.get_by_role("radio", name="Problem", exact=True)).to_be_checked()
    expect(form.get_by_role("radio", name="Upset", exact=True)).to_be_checked()
    expect(form.locator("select[name=category_id] option:checked")).to_have_text("Карты")
    page.locator("#suggestions-dismiss").click()
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(TOPIC_URL)
    expect(page.locator("h1")).to_have_text(TITLE)


def _events_of_posted_topic(app, author_email: str):
    with app.app_context():
        topic = db.session.scalars(select(Topic).where(Topic.title == TITLE)).one()
        assert (topic.author.email, topic.type, topic.mood, topic.category.name) == (
            author_email,
            "problem",
            "upset",
            "Карты",
        )
        posted = db.session.scalars(
            select(Event).where(Event.name == "topic_posted", Event.subject_id == topic.id)
        ).one()
        draft = db.session.scalars(select(Event).where(Event.draft_id == posted.draft_id)).all()
        db.session.remove()
    return {(e.name, e.user_id is None) for e in draft}


def test_visitor_drafts_then_registers_and_posts_the_same_draft(live_server, community, new_session):
    page = new_session("visitor")
    _write_draft(page, live_server.url)
    page.get_by_role("link", name="Register").last.click()
    page.locator("input[name=display_name]").fill("Вера")
    page.locator("input[name=email]").fill("vera@test.example")
    page.locator("input[name=password]").fill("a-long-enough-secret-42")
    page.locator("input[name=password2]").fill("a-long-enough-secret-42")
    page.locator("main form button[type=submit]").click()
    follow_mail_link(page, live_server, "vera@test.example")  # registration finishes by the e-mailed link
    _post_restored_draft(page, live_server.url)
    # The anonymous draft's "suggestions shown" is tied to the posted topic (deflection counts visitors too).
    assert {("suggestions_shown", True), ("topic_posted", False)} <= _events_of_posted_topic(
        live_server.app, "vera@test.example"
    )


def test_visitor_drafts_then_logs_in_and_posts_the_same_draft(live_server, community, new_session):
    page = new_session("visitor")
    _write_draft(page, live_server.url)
    page.locator("input[name=email]").fill("boris@test.example")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    _post_restored_draft(page, live_server.url)
    assert ("suggestions_shown", True) in _events_of_posted_topic(live_server.app, "boris@test.example")
