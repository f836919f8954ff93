"""Issue 11 on a 360 px phone: a moderator finds a person on the list of users, blocks them with a reason and
an end date (keyboard only), sees the block there and unblocks; the blocked person is told why on /new. No
horizontal scrolling, no serious axe violation, no CSP report."""

import pytest

from app.auth import services as auth_services
from app.extensions import db
from tests.browser.a11y import severe_violations
from tests.browser.helpers import expect, log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}}
REASON = "Spam links in five topics"


@pytest.fixture
def people(live_server):
    with live_server.app.app_context():
        auth_services.register_user("mod@test.example", PASSWORD, "Mila Moderator", role="moderator")
        sam = auth_services.register_user("sam@test.example", PASSWORD, "Spammy Sam")
        db.session.commit()
        ids = {"sam": sam.id}
        db.session.remove()
    return ids


def _fits(page) -> None:
    # After a form's redirect the new rows are in the DOM before the stylesheets are re-checked (a 304 each): measure
    # the page once it has loaded, not an unstyled one (618 px wide once on a busy machine).
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_moderator_blocks_and_unblocks_on_a_phone(live_server, people, new_session):
    moderator = new_session("moderator", **PHONE)
    violations = []
    moderator.on("console", lambda msg: violations.append(msg.text) if "Content-Security-Policy" in msg.text else None)
    log_in(moderator, live_server.url, "mod@test.example", PASSWORD)
    moderator.goto(live_server("/admin/users?q=sam"))
    row = moderator.locator(f"#user-{people['sam']}")
    _fits(moderator)
    assert severe_violations(moderator) == []

    summary = row.locator("summary")
    summary.focus()
    moderator.keyboard.press("Enter")  # opens the <details> with the block form
    reason = row.get_by_label("Reason (the person sees it)")
    expect(reason).to_be_visible()
    reason.focus()
    moderator.keyboard.type(REASON)
    row.get_by_label("Blocked until (empty: until unblocked)").fill("2099-03-01")
    _fits(moderator)
    assert severe_violations(moderator) == []
    row.get_by_role("button", name="Block from posting").focus()
    moderator.keyboard.press("Enter")

    expect(moderator.locator(".flash-success")).to_contain_text("Spammy Sam is blocked from posting.")
    expect(moderator).to_have_url(live_server("/admin/users?q=sam"))
    expect(row.locator(".blocked-status")).to_contain_text(REASON)
    _fits(moderator)

    sam = new_session("sam", **PHONE)
    log_in(sam, live_server.url, "sam@test.example", PASSWORD)
    sam.goto(live_server("/new"))
    expect(sam.locator(".blocked-notice")).to_contain_text(REASON)
    _fits(sam)

    row.get_by_role("button", name="Unblock Spammy Sam").click()
    expect(moderator.locator(".flash-success")).to_contain_text("Spammy Sam may post again.")
    expect(row.locator("summary")).to_have_text("Block Spammy Sam")
    assert violations == []
