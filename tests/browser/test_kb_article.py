"""Knowledge base in the browser: a representative writes an article with a pasted image and publishes it;
a customer typing a related question on /new gets the article as the first suggestion, and sees the image."""

import base64
import io
import re

import pytest
from PIL import Image

from app.admin import services as admin_services
from app.auth import services as auth_services
from app.community import services as community_services
from app.extensions import db
from app.staff import services as staff_services
from tests.browser.helpers import expect, log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

REP, CUSTOMER = "rep@test.example", "carol@test.example"
TITLE = "Как увеличить лимит по карте"
MARKDOWN_IMAGE = r"!\[[^\]]*\]\(/media/[0-9a-f]{32}\.png\)"
ARTICLE_URL = re.compile(r"/kb/\d+-kak-uvelichit-limit-po-karte$")

# A File built from base64, pasted into the article editor the way the browser delivers a paste.
_PASTE = """(data) => {
  const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], "limits-screen.png", {type: "image/png"}));
  const textarea = document.querySelector("textarea[name=body]");
  textarea.focus();
  textarea.dispatchEvent(new ClipboardEvent("paste", {clipboardData: transfer, bubbles: true, cancelable: true}));
}"""


@pytest.fixture
def bank(live_server):
    """A category with its department, a representative, a customer, and a community topic on the same subject."""
    with live_server.app.app_context():
        department = staff_services.create_department("Частные клиенты")
        category = admin_services.create_category("Карты", department.id)
        rep = auth_services.register_user(REP, PASSWORD, "Павел", role="representative")
        rep.departments = [department]
        auth_services.register_user(CUSTOMER, PASSWORD, "Карина")
        author = auth_services.register_user("author@test.example", PASSWORD, "Анна")
        community_services.create_topic(
            author,
            "question",
            "Лимит по карте слишком маленький",
            "Хочу увеличить лимит по карте, не нашла где.",
            category.id,
            mood="upset",
        )
        community_services.create_topic(author, "idea", "Добавьте тёмную тему в приложение", "", category.id)
        db.session.commit()
        db.session.remove()


def _png_base64() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 24), (20, 90, 200)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def test_a_published_article_with_a_pasted_image_is_the_first_suggestion(live_server, bank, new_session):
    rep = new_session("representative")
    log_in(rep, live_server.url, REP, PASSWORD)
    rep.goto(f"{live_server.url}/kb/")
    rep.get_by_role("link", name="New article").click()
    editor = rep.locator("form.kb-editor")
    editor.locator("input[name=title]").fill(TITLE)
    body = editor.locator("textarea[name=body]")
    body.fill("Лимит по карте можно увеличить в приложении: **Карты → Лимиты**.\n\n")
    rep.evaluate(_PASTE, _png_base64())
    expect(body).to_have_value(re.compile(MARKDOWN_IMAGE))
    editor.locator("select[name=category_id]").select_option(label="Карты")
    editor.get_by_role("button", name="Publish").click()

    expect(rep).to_have_url(ARTICLE_URL)
    expect(rep.locator(".flash")).to_contain_text("The article is published.")
    article_url = rep.url
    expect(rep.locator("h1")).to_have_text(TITLE)
    expect(rep.locator(".department")).to_contain_text("Частные клиенты")

    customer = new_session("customer")
    log_in(customer, live_server.url, CUSTOMER, PASSWORD)
    customer.goto(f"{live_server.url}/new")
    form = customer.locator("form#ask-form")
    form.locator("input[name=title]").press_sequentially("Как поднять лимит на карте?", delay=30)

    suggestions = customer.locator("#suggestions")
    expect(suggestions).to_be_visible(timeout=10_000)
    first = suggestions.locator(".suggestion").first
    expect(first.locator(".suggestion-title")).to_have_text(TITLE)
    expect(first.locator(".badge.type")).to_have_text("Knowledge base")
    expect(suggestions).to_contain_text("Лимит по карте слишком маленький")  # the topic, after the article
    expect(suggestions).not_to_contain_text("тёмную тему")

    first.locator(".suggestion-title").click()
    expect(customer).to_have_url(article_url)
    image = customer.locator("#article .body img")
    expect(image).to_be_visible()
    assert customer.evaluate("img => img.complete && img.naturalWidth", image.element_handle()) == 40

    # 'Was this helpful?' from the customer reaches the representative's view of the article.
    customer.get_by_role("button", name="Yes", exact=True).click()
    expect(customer.locator(".flash")).to_contain_text("Thank you for your feedback.")
    rep.reload()
    expect(rep.locator(".kb-feedback-summary")).to_contain_text("1 reader found it helpful")
