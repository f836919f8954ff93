"""The "Ask us!" widget on a partner's page served from another site (localhost vs 127.0.0.1): suggestions,
a thread inside the panel, sign-in through the popup, a posted request carrying the partner page's URL.
A page on a site that is not listed cannot show the panel."""

import contextlib
import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from app.admin import services as admin_services
from app.analytics.models import Event
from app.auth import services as auth_services
from app.community import services as community_services
from app.community.models import Topic
from app.extensions import db
from app.staff import services as staff_services
from tests.browser.helpers import expect
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

EXISTING = "How to unblock my card after three wrong PIN codes"
PAGE_TITLE = "Cards and limits | Example Bank"


class _QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def partner_site(directory):
    """A tiny static site (the company's pages) on its own port; opened as http://localhost:<port>."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietFiles, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, name="partner-site", daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def _write_pages(directory, community_url: str, listed_origin: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    snippet = f'<script src="{community_url}/widget.js" async></script>'
    (directory / "cards.html").write_text(
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{PAGE_TITLE}</title></head>'
        f"<body><h1>Cards</h1><p>Our cards.</p>{snippet}</body></html>",
        encoding="utf-8",
    )
    # A site that is not listed embeds the snippet, and also frames the panel directly, pretending to be listed.
    (directory / "foreign.html").write_text(
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Foreign</title></head><body>'
        f'<iframe id="direct" title="direct" src="{community_url}/widget/panel?host={listed_origin}"></iframe>'
        f'<script src="{community_url}/widget.js" async data-label="Questions?" data-position="left"></script>'
        "</body></html>",
        encoding="utf-8",
    )


@pytest.fixture
def bank(live_server):
    with live_server.app.app_context():
        department = staff_services.create_department("Private clients")
        category = admin_services.create_category("Cards", department.id)
        author = auth_services.register_user("author@test.example", PASSWORD, "Anna", role="customer")
        auth_services.register_user("asker@test.example", PASSWORD, "Boris", role="customer")
        community_services.create_topic(
            author, "question", EXISTING, "I typed a wrong PIN three times at the ATM.", category.id, mood="upset"
        )
        community_services.create_topic(
            author,
            "question",
            "Private: my card PIN story",
            "Secret PIN details.",
            category.id,
            mood="upset",
            is_private=True,
        )
        db.session.commit()
        db.session.remove()


def test_a_customer_asks_through_the_widget_on_the_partner_site(live_server, bank, new_session, tmp_path):
    with partner_site(tmp_path / "partner") as partner, partner_site(tmp_path / "partner") as foreign:
        _write_pages(tmp_path / "partner", live_server.url, partner)
        live_server.app.config["WIDGET_ORIGINS"] = partner
        page = new_session("customer")
        page.goto(f"{partner}/cards.html")
        tab = page.get_by_role("button", name="Ask us!")
        tab.click()
        panel = page.frame_locator("iframe.otklik-widget-frame")
        panel.locator("input[name=title]").press_sequentially("Card blocked after wrong PIN", delay=20)

        suggestions = panel.locator("#widget-suggestions")
        expect(suggestions).to_be_visible(timeout=10_000)
        expect(suggestions.locator(".suggestion-title").first).to_have_text(EXISTING)
        expect(suggestions).not_to_contain_text("Private: my card PIN story")
        suggestions.locator(".suggestion-title").first.click()
        thread = panel.locator("#widget-thread")
        expect(thread.locator(".thread-title")).to_have_text(EXISTING)
        expect(thread.locator("a.full-page")).to_have_attribute("target", "_blank")
        panel.locator("#widget-back").click()

        panel.locator("textarea[name=body]").fill("It happened this morning; the ATM kept the card.")
        panel.get_by_role("radio", name="Problem", exact=True).check()
        panel.locator("select[name=category_id]").select_option(label="Cards")
        panel.get_by_role("radio", name="Upset", exact=True).check()
        with page.expect_popup() as opened:
            panel.locator("#widget-post").click()
        popup = opened.value
        popup.locator("input[name=email]").fill("asker@test.example")
        popup.locator("input[name=password]").fill(PASSWORD)
        popup.locator("main form button[type=submit]").click()
        popup.wait_for_event("close")

        expect(panel.locator("#widget-done")).to_be_visible()
        expect(panel.locator("#widget-signed-in")).to_have_text("Signed in as Boris.")
        with live_server.app.app_context():
            topic = db.session.scalars(select(Topic).where(Topic.title == "Card blocked after wrong PIN")).one()
            assert (topic.channel, topic.type, topic.mood) == ("widget", "problem", "upset")
            assert (topic.source_url, topic.source_title) == (f"{partner}/cards.html", PAGE_TITLE)
            assert topic.author.email == "asker@test.example"
            channels = {(e.name, e.channel) for e in db.session.scalars(select(Event))}
            assert {
                ("suggestions_shown", "widget"),
                ("suggestion_clicked", "widget"),
                ("topic_posted", "widget"),
            } <= channels
            db.session.remove()
        expect(panel.locator("#widget-done-link")).to_have_attribute(
            "href", f"{live_server.url}/t/{topic.id}-{topic.slug}"
        )

        # A page of a site that is not listed: the snippet's panel and a panel framed directly are both blocked.
        other = new_session("foreign")
        other.goto(f"{foreign}/foreign.html")
        foreign_tab = other.get_by_role("button", name="Questions?")  # the data- options
        expect(foreign_tab).to_have_css("left", "0px")
        foreign_tab.click()
        for selector in ("iframe.otklik-widget-frame", "iframe#direct"):
            frame = other.locator(selector).element_handle().content_frame()
            frame.wait_for_load_state()
            assert frame.locator("#widget-form").count() == 0, selector
            assert not frame.url.startswith(live_server.url), frame.url
