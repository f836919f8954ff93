"""The branded header at 360 px: the logo, the name and the company's site menu fit without horizontal scrolling,
the colours come from /brand.css, and the site menu is reachable by keyboard."""

from app.auth import services as auth_services
from app.demo import brand as demo_brand
from app.extensions import db
from tests.browser.helpers import expect

NARROW = {"width": 360, "height": 740}


def _brand_the_live_app(live_server):
    with live_server.app.app_context():
        admin = auth_services.register_user("brand.admin@test.example", "correct-horse-battery", "Admin", role="admin")
        assert demo_brand.load_brand(admin)
        db.session.commit()


def test_branded_header_fits_360px_and_uses_the_brand_colours(live_server, new_session):
    _brand_the_live_app(live_server)
    page = new_session("narrow", locale="ru-RU", viewport=NARROW)
    page.goto(live_server("/?lang=ru"))

    logo = page.locator("header .brand-logo")
    expect(logo).to_be_visible()
    assert page.evaluate("document.querySelector('header .brand-logo').naturalWidth") > 0  # the image loaded
    expect(page.locator("header .brand-name")).to_have_text("Северный банк")
    menu = page.locator("nav.site-menu a")
    expect(menu).to_have_count(4)
    for index in range(4):
        box = menu.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"], box
    for selector in ("header .brand", "header .brand-name", "footer .brand-links"):
        box = page.locator(selector).first.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"], (selector, box)
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]

    # Colours from the generated stylesheet (no inline style): the menu bar is the primary colour #1a4d8f.
    background = page.evaluate("getComputedStyle(document.querySelector('nav.site-menu')).backgroundColor")
    assert background == "rgb(26, 77, 143)"

    # Keyboard: the first Tab lands on the skip link, the next on the company's site menu.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Перейти к содержимому"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Частным лицам"

    response = page.request.get(live_server("/favicon.ico"))
    assert response.status == 200 and response.body()[:4] == b"\x00\x00\x01\x00"
