"""axe-core over the main pages, as a visitor, a representative and an administrator: no serious or critical
violations (missing labels, a label pointing at the wrong field, contrast, names of buttons and links ...)."""

import pytest

from app.admin import services as admin_services
from app.auth import services as auth_services
from app.community import services as community_services
from app.extensions import db
from app.kb import services as kb_services
from app.staff import services as staff_services
from tests.browser.a11y import severe_violations
from tests.browser.helpers import log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def site(live_server):
    with live_server.app.app_context():
        department = staff_services.create_department("Private clients")
        category = admin_services.create_category("Cards", department.id)
        rep = auth_services.register_user("rep@test.example", PASSWORD, "Pavel Private", role="representative")
        rep.departments = [department]
        admin = auth_services.register_user("admin@test.example", PASSWORD, "Ada Admin", role="admin")
        customer = auth_services.register_user("carol@test.example", PASSWORD, "Carol Customer")
        topic = community_services.create_topic(
            customer,
            "question",
            "My card does not work abroad",
            "I paid in **Riga** and it was declined.",
            category.id,
            mood="upset",
        )
        community_services.post_comment(rep, topic, "Please enable payments abroad in the app.")
        article = kb_services.create_article(
            admin, "How to raise the card limit", "Open *Cards*, then Limits.", category.id, publish=True
        )
        db.session.commit()
        urls = {"topic": f"/t/{topic.id}-{topic.slug}", "article": f"/kb/{article.id}-{article.slug}"}
        db.session.remove()
    return urls


def _check(page, base_url: str, paths: list[str]) -> dict:
    found = {}
    for path in paths:
        response = page.goto(base_url + path)
        assert response.status == 200, path
        violations = severe_violations(page)
        if violations:
            found[path] = violations
    return found


def test_main_pages_have_no_serious_or_critical_axe_violations(live_server, site, new_session):
    visitor = new_session("visitor")
    found = _check(
        visitor,
        live_server.url,
        [
            "/",
            site["topic"],
            "/search?q=card",
            "/kb/",
            site["article"],
            "/login",
            "/register",
        ],
    )

    representative = new_session("representative")
    log_in(representative, live_server.url, "rep@test.example", PASSWORD)
    found.update(
        {
            f"rep {path}": v
            for path, v in _check(
                representative,
                live_server.url,
                [
                    "/staff/",
                    site["topic"],
                    "/new",
                ],
            ).items()
        }
    )

    admin = new_session("admin")
    log_in(admin, live_server.url, "admin@test.example", PASSWORD)
    found.update(
        {
            f"admin {path}": v
            for path, v in _check(
                admin,
                live_server.url,
                [
                    "/admin/",
                    "/admin/users",
                    "/admin/system",
                    "/admin/dead-letters",
                    "/settings",
                    "/settings/password",
                ],
            ).items()
        }
    )
    assert found == {}
