"""At 360 x 740 (a small phone) the main pages fit the width, the header stays compact, and the menu button
opens the navigation by keyboard; the skip link reaches the content with one Tab."""

import pytest

from app.admin import services as admin_services
from app.auth import services as auth_services
from app.community import services as community_services
from app.extensions import db
from app.kb import services as kb_services
from app.staff import services as staff_services
from tests.browser.helpers import expect, log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}}
WIDTH, MAX_HEADER = 360, 110
LONG_CATEGORY = "Карты, счета и платежи за границей и в интернет-магазинах"
LONG_DEPARTMENT = "Отдел обслуживания частных клиентов и премиальных карт"

_FITS = """() => ({width: document.documentElement.scrollWidth,
  header: document.querySelector('.site-header').getBoundingClientRect().height})"""


@pytest.fixture
def site(live_server):
    with live_server.app.app_context():
        department = staff_services.create_department(LONG_DEPARTMENT)
        category = admin_services.create_category(LONG_CATEGORY, department.id)
        rep = auth_services.register_user("rep@test.example", PASSWORD, "Павел Представителев", role="representative")
        rep.departments = [department]
        auth_services.register_user("admin@test.example", PASSWORD, "Ада Администраторова", role="admin")
        customer = auth_services.register_user("carol@test.example", PASSWORD, "Карина Клиентова")
        topic = None
        for n in range(3):
            topic = community_services.create_topic(
                customer,
                "question",
                f"Карта не работает за границей после поездки, номер {n}",
                "Платёж в магазине отклонён: https://example.com/очень/длинная/ссылка/без/пробелов/" + "x" * 60,
                category.id,
                mood="upset",
            )
        community_services.post_comment(rep, topic, "Включите платежи за границей в приложении.")
        article = kb_services.create_article(
            rep, "Как увеличить лимит по карте", "Откройте *Карты*, затем Лимиты.", category.id, publish=True
        )
        db.session.commit()
        urls = {"topic": f"/t/{topic.id}-{topic.slug}", "article": f"/kb/{article.id}-{article.slug}"}
        db.session.remove()
    return urls


def _measure(page, base_url: str, paths: list[str]) -> dict:
    too_wide = {}
    for path in paths:
        assert page.goto(base_url + path).status == 200, path
        size = page.evaluate(_FITS)
        if size["width"] > WIDTH or size["header"] > MAX_HEADER:
            too_wide[path] = size
    return too_wide


def test_main_pages_fit_360_px_with_a_compact_header(live_server, site, new_session):
    visitor = new_session("visitor", locale="ru-RU", **PHONE)
    problems = _measure(visitor, live_server.url, ["/", site["topic"], "/kb/", site["article"], "/search?q=карта"])
    customer = new_session("customer", **PHONE)
    log_in(customer, live_server.url, "carol@test.example", PASSWORD)
    problems.update({f"customer {p}": v for p, v in _measure(customer, live_server.url, ["/new", "/settings"]).items()})

    rep = new_session("rep", **PHONE)
    log_in(rep, live_server.url, "rep@test.example", PASSWORD)
    problems.update(
        {f"rep {p}": v for p, v in _measure(rep, live_server.url, ["/staff/", site["topic"], "/new"]).items()}
    )

    admin = new_session("admin", **PHONE)
    log_in(admin, live_server.url, "admin@test.example", PASSWORD)
    problems.update({f"admin {p}": v for p, v in _measure(admin, live_server.url, ["/admin/", "/admin/users"]).items()})
    assert problems == {}


def test_menu_button_opens_the_navigation_by_keyboard(live_server, site, new_session):
    page = new_session("visitor", **PHONE)
    page.goto(live_server.url + "/")
    nav_link = page.locator(".main-nav").get_by_role("link", name="Knowledge base")
    expect(nav_link).to_be_hidden()

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()

    toggle = page.get_by_role("button", name="Menu")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav_link).to_be_visible()
    expect(page.locator(".header-search input")).to_be_focused()
    page.keyboard.press("Escape")
    expect(nav_link).to_be_hidden()
    expect(toggle).to_be_focused()
