"""The loader and the framed panel: allowed framers only, public content only."""

import re

from app.extensions import db
from tests.helpers import frame_ancestors_of
from tests.widget.conftest import PARTNER


def _main(response) -> str:
    """What the error page says, without the head's URL and token."""
    return re.search(r'<section class="error-page">.*</section>', response.get_data(as_text=True), re.DOTALL).group(0)


def test_the_loader_is_served_cacheable_and_loadable_from_other_sites(client):
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.cache_control.public and response.cache_control.max_age == 3600
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    text = response.get_data(as_text=True)
    assert "/*LABELS*/" not in text and '"ru": {"tab": "' in text
    again = client.get("/widget.js", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_the_panel_may_be_framed_by_exactly_the_listed_origins(client, community):
    response = client.get(f"/widget/panel?host={PARTNER}/&lang=ru")
    assert response.status_code == 200
    assert frame_ancestors_of(response) == f"{PARTNER} http://localhost:8123"
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert "Спросите нас!" in page and "Cards" in page and 'id="widget-config"' in page
    assert "<script>" not in page and "onclick" not in page


def test_a_site_that_is_not_listed_gets_no_panel(client):
    response = client.get("/widget/panel?host=https://evil.example")
    assert response.status_code == 403
    assert "not allowed" in response.get_data(as_text=True)
    assert "evil.example" not in response.headers["Content-Security-Policy"]
    assert client.get("/widget/panel").status_code == 403


def test_other_pages_are_not_framed_by_the_partner(client):
    assert PARTNER not in client.get("/").headers.get("Content-Security-Policy", "")
    assert PARTNER not in client.get("/widget/signin").headers.get("Content-Security-Policy", "")


def test_with_no_origins_listed_nobody_may_frame_the_panel(app, client):
    app.config["WIDGET_ORIGINS"] = ""
    response = client.get(f"/widget/panel?host={PARTNER}")
    assert response.status_code == 403
    assert frame_ancestors_of(response) == "'self'"  # nobody else


def test_a_thread_opens_in_the_panel_with_public_content_only(client, make_topic, make_user, community):
    topic = make_topic(title="Card blocked abroad what to do", category=community["cards"])
    from app.community import services

    services.post_comment(make_user(), topic, "Call the bank, they unblock it at once.")
    hidden_comment = services.post_comment(make_user(), topic, "Secret hidden remark")
    hidden_comment.is_hidden = True
    db.session.commit()
    page = client.get(f"/widget/thread/{topic.id}").get_data(as_text=True)
    assert "Card blocked abroad what to do" in page and "they unblock it at once" in page
    assert "Secret hidden remark" not in page
    assert f"/t/{topic.id}-" in page and 'target="_blank"' in page  # "open the full page" in a new tab


def test_private_hidden_and_deleted_topics_do_not_exist_for_the_panel(
    client, client_as, make_topic, customer, community
):
    private = make_topic(author=customer, title="My private card trouble", category=community["cards"], is_private=True)
    hidden = make_topic(title="A hidden topic title", category=community["cards"])
    hidden.is_hidden = True
    deleted = make_topic(title="A deleted topic title", category=community["cards"])
    deleted.is_deleted = True
    db.session.commit()
    missing = client.get("/widget/thread/999999")
    for topic in (private, hidden, deleted):
        response = client_as(customer).get(f"/widget/thread/{topic.id}")  # even for the author: the panel is public
        assert response.status_code == 404
        assert _main(response) == _main(missing)
        assert topic.title not in response.get_data(as_text=True)


def test_the_development_example_page_embeds_the_snippet(app, client):
    page = client.get("/widget/example").get_data(as_text=True)
    snippet = f'src="{app.config["PUBLIC_URL"].rstrip("/")}/widget.js" async data-position="right"></script>'
    assert re.search(r'<script nonce="[^"]+" ' + re.escape(snippet), page)
    app.config["DEMO_ALLOWED"] = False
    assert client.get("/widget/example").status_code == 404
