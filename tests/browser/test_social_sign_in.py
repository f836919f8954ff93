"""In Chromium: sign in through a company's OpenID Connect SSO (a real provider on loopback), and the VK app,
which opens the widget's panel, hides its launch parameters from the address bar and posts with channel "vk"."""

import time
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from app import create_app
from app.admin import services as admin_services
from app.apps.signatures import vk_sign
from app.community.models import Topic
from app.extensions import db
from app.identity.models import Identity
from app.staff import services as staff_services
from tests.browser.conftest import live_app_server
from tests.browser.helpers import expect
from tests.conftest import PG_URL, _reset_postgres
from tests.identity.conftest import oidc_config
from tests.identity.oidc_server import require, running_provider

pytestmark = pytest.mark.browser
VK_SECRET = "browser-vk-secret"


@pytest.fixture
def sso_server(tmp_path, live_server):
    """A live server whose SSO is the loopback provider. It depends on `live_server` (which `new_session` starts
    anyway) so that, on PostgreSQL, that fixture's reset of the shared database runs before this one's data."""
    require()
    with running_provider() as issuer:
        app = create_app(oidc_config(tmp_path / "sso", issuer))
        app.config["VK_APP_SECRET"] = VK_SECRET
        with app.app_context():
            if PG_URL:
                _reset_postgres()
            else:
                db.create_all()
            department = staff_services.create_department("Private clients")
            admin_services.create_category("Cards", department.id)
            db.session.commit()
            db.session.remove()
        with live_app_server(app) as server:
            yield server
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_sign_in_with_company_sso_end_to_end(sso_server, new_session):
    page = new_session("customer")
    page.goto(sso_server("/login"))
    page.get_by_role("link", name="Sign in with Test SSO").click()
    expect(page.get_by_role("heading", name="Test SSO sign-in")).to_be_visible()
    page.get_by_label("Login").fill("kim")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".flash")).to_contain_text("You are logged in.")
    expect(page.locator(".site-header")).to_contain_text("kim")
    page.goto(sso_server("/account/sign-in"))
    expect(page.locator(".identity-list")).to_contain_text("Oidc: kim")
    with sso_server.app.app_context():
        identity = db.session.scalar(select(Identity))
        assert identity.provider == "oidc" and identity.subject == "user-kim"


def test_vk_app_opens_the_widget_panel_hides_launch_parameters_and_posts_with_channel_vk(sso_server, new_session):
    params = {"vk_user_id": "555", "vk_app_id": "51", "vk_ts": str(int(time.time())), "vk_language": "en"}
    query = urlencode({**params, "sign": vk_sign(params, VK_SECRET)})
    page = new_session("vk")
    page.goto(sso_server(f"/apps/vk?{query}"))
    expect(page.get_by_role("heading", name="Ask us!")).to_be_visible()
    expect(page).to_have_url(sso_server("/apps/vk"))  # the panel's script took the launch out of the address bar
    expect(page.locator("#widget-signed-in")).to_have_text("Signed in as VK user 555.")
    page.get_by_label("Title").fill("Card blocked after travel")
    page.get_by_label("Details").fill("The card stopped working after my trip.")
    page.get_by_role("radio", name="Problem", exact=True).check()
    page.get_by_label("Upset").check()
    page.get_by_label("Category").select_option(label="Cards")
    page.get_by_role("button", name="Post").click()  # no sign-in popup: the panel got its credential on opening
    # The first topic this server indexes builds the search's translation table: that may take a while.
    expect(page.locator("#widget-done")).to_be_visible(timeout=60_000)
    with sso_server.app.app_context():
        topic = db.session.scalar(select(Topic))
        assert topic.channel == "vk" and topic.title == "Card blocked after travel"
        assert topic.author_id == db.session.scalar(select(Identity.user_id).where(Identity.subject == "555"))
        db.session.remove()
    expect(page.locator("#widget-done-link")).to_have_attribute("href", sso_server(f"/t/{topic.id}-{topic.slug}"))
