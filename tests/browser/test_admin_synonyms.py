"""/admin/synonyms on a 360 px phone, keyboard only: an administrator adds a synonym group and removes it;
the page fits the width and axe finds no serious or critical violation; a customer's search then finds the
other phrasing."""

import pytest

from app.admin import services as admin_services
from app.auth import services as auth_services
from app.community import services as community_services
from app.extensions import db
from app.staff import services as staff_services
from tests.browser.a11y import severe_violations
from tests.browser.helpers import expect, log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}}


@pytest.fixture
def topic_id(live_server):
    with live_server.app.app_context():
        department = staff_services.create_department("Частные клиенты")
        category = admin_services.create_category("Кредиты и ипотека", department.id)
        auth_services.register_user("admin@test.example", PASSWORD, "Ада Администраторова", role="admin")
        customer = auth_services.register_user("carol@test.example", PASSWORD, "Карина Клиентова")
        topic = community_services.create_topic(
            customer,
            "question",
            "Как досрочно погасить жилищный кредит?",
            "Хочу закрыть раньше.",
            category.id,
            mood="indifferent",
        )
        db.session.commit()
        topic_id = topic.id
        db.session.remove()
    return topic_id


def _width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def test_an_administrator_adds_and_removes_a_group_with_the_keyboard(live_server, topic_id, new_session):
    admin = new_session("admin", **PHONE)
    log_in(admin, live_server.url, "admin@test.example", PASSWORD)
    admin.goto(live_server.url + "/admin/synonyms")
    assert _width(admin) <= 360
    assert severe_violations(admin) == []

    field = admin.get_by_label("Phrases that mean the same")
    for _ in range(40):  # Tab from the top of the page to the field
        admin.keyboard.press("Tab")
        if field.evaluate("el => el === document.activeElement"):
            break
    expect(field).to_be_focused()
    admin.keyboard.type("ипотека = жилищный кредит")
    admin.keyboard.press("Enter")
    expect(admin.locator(".flash-success")).to_contain_text("Synonyms added: ипотека = жилищный кредит.")
    expect(admin.locator(".synonym-groups li .synonym-phrases")).to_have_text(["ипотека = жилищный кредит"])
    assert _width(admin) <= 360
    assert severe_violations(admin) == []

    visitor = new_session("visitor", **PHONE)
    visitor.goto(live_server.url + "/search?q=ипотека")
    expect(visitor.locator(f"main a[href^='/t/{topic_id}-']").first).to_be_visible()

    remove = admin.get_by_role("button", name="Remove the group ипотека = жилищный кредит")
    remove.focus()
    admin.keyboard.press("Enter")
    expect(admin.locator(".flash-success")).to_contain_text("Synonyms removed: ипотека = жилищный кредит.")
    expect(admin.locator(".synonym-groups")).to_have_count(0)
    visitor.goto(live_server.url + "/search?q=ипотека")
    expect(visitor.locator(f"main a[href^='/t/{topic_id}-']")).to_have_count(0)
