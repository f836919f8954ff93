"""Steps a person takes in the browser, shared by the browser tests (and usable from scripts).

Each step waits for the page the server answers with and checks the visible outcome, so a test that
chains them fails at the step that went wrong.
"""

import re

try:
    from playwright.sync_api import expect
except ImportError:  # the directory's conftest skips (or, in CI, fails) the tests with the reason
    expect = None

TOPIC_URL = re.compile(r"/t/\d+-[^/?#]+$")


def register(page, server, display_name: str, email: str, password: str) -> None:
    """Register on /register, then follow the link of the e-mail that finishes it (`server`: the live_server)."""
    page.goto(f"{server.url}/register")
    page.locator("input[name=display_name]").fill(display_name)
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("input[name=password2]").fill(password)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".flash-info")).to_contain_text(f"we sent a message to {email}")
    follow_mail_link(page, server, email)
    expect(page.locator(".flash-success")).to_contain_text("your e-mail address is confirmed")
    expect(page.locator(".site-header")).to_contain_text(display_name)


def follow_mail_link(page, server, email: str) -> None:
    """Open, in this browser, the link of the last e-mail queued for `email` (the mail's host is PUBLIC_URL)."""
    from sqlalchemy import select

    from app.extensions import db
    from app.notify.models import MailMessage

    with server.app.app_context():
        body = db.session.scalars(
            select(MailMessage.body_text).where(MailMessage.recipient == email).order_by(MailMessage.id.desc())
        ).first()
        db.session.remove()
    assert body, f"no e-mail was queued for {email}"
    path = re.search(r"https?://[^/\s]+(/\S+)", body).group(1)
    page.goto(server.url + path)


def log_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("You are logged in.")


def ask(page, base_url: str, *, type_label: str, title: str, body: str, category: str, mood_label: str) -> str:
    """Post a topic through /new; returns the topic page's URL."""
    page.goto(f"{base_url}/new")
    form = page.locator("form.topic-form")
    form.get_by_role("radio", name=type_label, exact=True).check()
    form.locator("input[name=title]").fill(title)
    form.locator("textarea[name=body]").fill(body)
    form.locator("select[name=category_id]").select_option(label=category)
    form.get_by_role("radio", name=mood_label, exact=True).check()
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(TOPIC_URL)
    expect(page.locator("h1")).to_have_text(title)
    return page.url


def answer(page, topic_url: str, body: str) -> None:
    page.goto(topic_url)
    form = page.locator("form#answer")
    form.locator("textarea[name=body]").fill(body)
    form.locator("button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("Your answer is published.")
