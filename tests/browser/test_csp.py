"""Every page type in real Chromium with the Content-Security-Policy in force: no violation is reported (neither a
`securitypolicyviolation` event nor a CSP error on the console, in any frame), and the behaviours that used to be
inline handlers still work from static JS."""

import re

import pytest

from app.admin import services as admin_services
from app.auth import services as auth_services
from app.community import services as community_services
from app.extensions import db
from app.kb import services as kb_services
from app.news import services as news_services
from app.notify.models import MailMessage
from app.staff import services as staff_services
from tests.browser.helpers import expect, log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

# Runs before any page script, in every frame; Playwright injects it outside the page's CSP.
COLLECT = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


@pytest.fixture
def site(live_server):
    """An admin who works in two departments, a customer's topic with an official answer (and its e-mail in the
    outbox), a knowledge-base article, a news post."""
    with live_server.app.app_context():
        admin = auth_services.register_user("admin@test.example", PASSWORD, "Ada Admin", role="admin")
        customer = auth_services.register_user("carol@test.example", PASSWORD, "Carol Customer")
        private = staff_services.create_department("Private clients")
        business = staff_services.create_department("Business")
        cards = admin_services.create_category("Cards", private.id)
        admin.departments = [private, business]
        db.session.flush()
        topic = community_services.create_topic(
            customer, "question", "Card blocked after a trip", "It stopped working in **Riga**.", cards.id, mood="upset"
        )
        community_services.post_comment(admin, topic, "Unblocked: try again, please.")
        article = kb_services.create_article(
            admin, "How to unblock a card", "Call us or use the app.", cards.id, publish=True
        )
        news_services.create_news(admin, "New card design", "Our cards look new.", is_pinned=True)
        db.session.commit()
        data = {
            "topic": topic.id,
            "article": article.id,
            "department": private.id,
            "category": cards.id,
            "customer": customer.id,
            "mail": db.session.scalar(db.select(MailMessage.id)),
        }
        db.session.remove()
    return data


def _watch(page):
    problems = []
    page.add_init_script(COLLECT)
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console: {msg.text}")
            if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    return problems


def _visit(page, problems, url, status=200):
    response = page.goto(url)
    assert response.status == status, url
    assert "nonce-" in response.headers["content-security-policy"]
    page.wait_for_load_state("load")
    page.wait_for_timeout(50)  # violation events are dispatched asynchronously
    reported = page.evaluate("window.__csp || []")
    problems.extend(f"{url}: {item}" for item in reported)


def test_no_page_type_violates_the_policy(live_server, site, new_session):
    visitor = new_session("visitor")
    problems = _watch(visitor)
    for path, status in [
        ("/", 200),
        (f"/t/{site['topic']}", 200),
        ("/search?q=card", 200),
        ("/kb/", 200),
        (f"/kb/{site['article']}", 200),
        ("/kb/search?q=card", 200),
        ("/news/", 200),
        ("/login", 200),
        ("/register", 200),
        ("/no/such/page", 404),
    ]:
        _visit(visitor, problems, live_server(path), status)

    admin = new_session("admin")
    problems += _watch(admin)
    log_in(admin, live_server.url, "admin@test.example", PASSWORD)
    for path in [
        "/new",
        f"/t/{site['topic']}",
        "/staff/",
        "/admin/",
        "/admin/users",
        f"/admin/users/{site['customer']}",
        f"/admin/departments/{site['department']}",
        f"/admin/categories/{site['category']}",
        "/admin/outbox",
        "/admin/system",
        "/admin/dead-letters",
        "/settings",
        "/settings/password",
        f"/u/{site['customer']}",
        "/news/new",
        f"/admin/outbox/{site['mail']}",
    ]:
        _visit(admin, problems, live_server(path))
    # The e-mail preview (its own document with its own policy, inline styles allowed) has loaded.
    expect(admin.frame_locator("iframe.mail-html").locator("body")).to_contain_text("Card blocked after a trip")
    admin.wait_for_timeout(100)

    assert problems == []


def test_cached_pages_served_before_flask_keep_the_policy(live_server, site, new_session):
    """With the page cache on, a visitor's second visit of a page is a hit of the fast path (app/common/fastpath.py):
    a new nonce in the header and the page, and no violation (a page nonce that did not match its header would
    block the scripts and report one)."""
    live_server.app.config.update(PAGE_CACHE=True)  # its stamp file is the test's own (tests/conftest.py)
    visitor = new_session("visitor")
    problems = _watch(visitor)
    for path in ("/", f"/t/{site['topic']}"):
        url = live_server(path)
        first = visitor.goto(url)
        first_url = visitor.url  # the topic's canonical address after its redirect
        _visit(visitor, problems, first_url)
        again = visitor.goto(first_url)
        assert again.headers.get("x-page-cache") == "hit", path
        assert again.headers["content-security-policy"] != first.headers["content-security-policy"]
        visitor.wait_for_load_state("load")
        visitor.wait_for_timeout(50)
        problems.extend(f"{url}: {item}" for item in visitor.evaluate("window.__csp || []"))
    assert problems == []


def test_the_former_inline_handlers_work_from_static_js(live_server, site, new_session):
    admin = new_session("admin")
    problems = _watch(admin)
    log_in(admin, live_server.url, "admin@test.example", PASSWORD)

    admin.goto(live_server("/staff/"))  # the department filter submits itself when changed
    admin.locator("select[data-autosubmit]").select_option(label="Private clients")
    expect(admin).to_have_url(re.compile(rf"/staff/\?.*department={site['department']}"))

    admin.goto(live_server(f"/t/{site['topic']}"))  # deleting asks first; dismissing keeps the topic
    asked = []
    admin.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    admin.locator("form[data-confirm] button[type=submit]").click()
    admin.wait_for_timeout(200)
    assert asked == ["Delete this topic?"]
    expect(admin.locator("h1")).to_have_text("Card blocked after a trip")
    assert problems == []
