"""A customer pastes, drops and picks images in the editor; the images show on the topic; SVG is refused."""

import base64
import io
import re

import pytest
from PIL import Image

from app.admin import services as admin_services
from app.auth import services as auth_services
from app.extensions import db
from app.staff import services as staff_services
from tests.browser.helpers import TOPIC_URL, expect, log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

EMAIL = "carol@test.example"
MARKDOWN_IMAGE = r"!\[[^\]]*\]\(/media/[0-9a-f]{32}\.png\)"


@pytest.fixture
def cards(live_server):
    with live_server.app.app_context():
        department = staff_services.create_department("Private clients")
        admin_services.create_category("Cards", department.id)
        auth_services.register_user(EMAIL, PASSWORD, "Carol Customer")
        db.session.commit()
        db.session.remove()


def _png_base64(color) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), color).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


# Builds a File from base64 and sends it to the textarea the way the browser does for a paste or a drop.
_DISPATCH = """([kind, data, name, type]) => {
  const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, {type}));
  const textarea = document.querySelector("textarea[name=body]");
  textarea.focus();
  const event = kind === "paste"
    ? new ClipboardEvent("paste", {clipboardData: transfer, bubbles: true, cancelable: true})
    : new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true});
  textarea.dispatchEvent(event);
}"""


def test_paste_drop_and_pick_images_into_a_new_topic(live_server, cards, new_session, tmp_path):
    page = new_session("customer")
    log_in(page, live_server.url, EMAIL, PASSWORD)
    page.goto(f"{live_server.url}/new")
    form = page.locator("form.topic-form")
    body = form.locator("textarea[name=body]")
    body.fill("My card is declined, see:\n")

    page.evaluate(_DISPATCH, ["paste", _png_base64((200, 0, 0)), "image.png", "image/png"])
    expect(body).to_have_value(re.compile(MARKDOWN_IMAGE))
    page.evaluate(_DISPATCH, ["drop", _png_base64((0, 200, 0)), "Скриншот.png", "image/png"])
    expect(form.locator(".upload-status")).to_have_text("The image is added.")
    picked = tmp_path / "picked.png"
    picked.write_bytes(base64.b64decode(_png_base64((0, 0, 200))))
    form.locator("input[type=file]").set_input_files(str(picked))
    expect(body).to_have_value(re.compile(rf"({MARKDOWN_IMAGE}[\s\S]*){{3}}"))
    assert "Скриншот" in body.input_value()

    # A refused file leaves the text as it was and says why.
    before = body.input_value()
    page.evaluate(_DISPATCH, ["drop", base64.b64encode(b"<svg onload='alert(1)'/>").decode(), "x.svg", "image/svg+xml"])
    expect(form.locator(".upload-status")).to_have_text("Only JPEG, PNG, GIF and WebP images can be uploaded.")
    expect(form.locator(".upload-status")).to_have_class(re.compile("error"))
    assert body.input_value() == before

    form.get_by_role("radio", name="Question", exact=True).check()
    form.locator("input[name=title]").fill("Declined card with screenshots")
    form.locator("select[name=category_id]").select_option(label="Cards")
    form.get_by_role("radio", name="Upset", exact=True).check()
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(TOPIC_URL)
    images = page.locator("#topic .body img")
    expect(images).to_have_count(3)
    for index in range(3):  # loaded and decoded (retried until the timeout: the images load after the page)
        expect(images.nth(index)).to_have_js_property("naturalWidth", 30)

    # A visitor in another browser sees the public topic's images too.
    visitor = new_session("visitor")
    visitor.goto(page.url)
    expect(visitor.locator("#topic .body img")).to_have_count(3)
    expect(visitor.locator("#topic .body img").first).to_have_js_property("naturalWidth", 30)
