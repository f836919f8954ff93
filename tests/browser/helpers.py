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


def register(page, base_url: str, display_name: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/register")
    page.locator("input[name=display_name]").fill(display_name)
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("input[name=password2]").fill(password)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_contain_text(f"Welcome to the community, {display_name}!")
    expect(page.locator(".site-header")).to_contain_text(display_name)


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
