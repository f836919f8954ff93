"""/apps/vk and /apps/facebook: signature-gated entries into the widget's panel, replay, data deletion, framing."""

import json
import logging
import re
import time
from urllib.parse import urlencode, urlsplit

import pytest
from flask import current_app
from sqlalchemy import select

from app.analytics.models import Event
from app.apps.routes import FRAMERS
from app.apps.signatures import facebook_signed_request, vk_sign
from app.common.framing import frame_ancestors
from app.community.models import Topic
from app.extensions import db, limiter
from app.identity import services as identity_services
from app.identity.models import Identity
from tests.apps.vectors import facebook_vectors, vk_vectors
from tests.helpers import frame_ancestors_of

VK_SECRET, FB_SECRET = "vk-test-secret", "fb-test-secret"


@pytest.fixture(autouse=True)
def app_secrets(app):
    app.config.update(VK_APP_SECRET=VK_SECRET, FACEBOOK_APP_SECRET=FB_SECRET)
    limiter.reset()  # counters in Redis outlive the app: each test starts from zero

    @app.after_request
    def _show_framing(response):  # what the CSP (secweb) will read, made visible to the tests
        response.headers["X-Test-Frame-Ancestors"] = " ".join(frame_ancestors() or ("'self'",))
        return response


def vk_query(user_id="42", ts=None, secret=VK_SECRET):
    params = {"vk_user_id": user_id, "vk_app_id": "51", "vk_ts": str(int(ts or time.time())), "vk_language": "en"}
    return urlencode({**params, "sign": vk_sign(params, secret)})


def fb_request(user_id="1001", issued_at=None, **extra):
    payload = {"algorithm": "HMAC-SHA256", "issued_at": int(issued_at or time.time()), **extra}
    if user_id:
        payload["user_id"] = user_id
    return facebook_signed_request(payload, FB_SECRET)


def config_of(page: str) -> dict:
    """The widget panel's data block: what its script gets (origins, channel, the posting credential)."""
    return json.loads(
        re.search(r'<script type="application/json" id="widget-config">(.*?)</script>', page, re.DOTALL).group(1)
    )


def post_from(page: str, category_id, title="How do I block my card?", **changes):
    """What the panel's script does on "Post": the widget API, with the credential the panel received and no
    cookies (the framed panel never has the site's session)."""
    credential = config_of(page)["credential"]
    return current_app.test_client().post(
        "/api/v1/widget/topics",
        json={
            "type": "question",
            "mood": "upset",
            "title": title,
            "body": "Lost it today.",
            "category_id": category_id,
            **changes,
        },
        headers={"Authorization": f"Bearer {credential['token']}", "X-Widget-CSRF": credential["csrf"]},
    )


def identity(provider, subject):
    return db.session.scalar(select(Identity).where(Identity.provider == provider, Identity.subject == subject))


def test_vk_entry_refuses_unsigned_and_tampered_launches(client):
    for query in ("", "vk_user_id=42", vk_query().replace("vk_user_id=42", "vk_user_id=7"), "sign=%%%&vk_x=1"):
        response = client.get(f"/apps/vk?{query}")
        assert response.status_code == 403, query
        assert "from VK" in response.get_data(as_text=True)
        assert response.headers["X-Test-Frame-Ancestors"] == " ".join(FRAMERS)
    assert client.get("/apps/vk?vk_user_id=%00&sign=x").status_code == 400  # the NUL guard answers first
    assert db.session.scalar(select(Identity)) is None


def test_vk_entry_refuses_stale_launch_and_empty_secret(app, client):
    response = client.get(f"/apps/vk?{vk_query(ts=time.time() - 7200)}")
    assert response.status_code == 403 and "too old" in response.get_data(as_text=True)
    app.config["VK_APP_SECRET"] = ""
    response = client.get(f"/apps/vk?{vk_query()}")
    assert response.status_code == 403 and "not configured" in response.get_data(as_text=True)


def test_vk_entry_signs_the_user_in_and_opens_the_widget_panel(client):
    response = client.get(f"/apps/vk?{vk_query()}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="widget-form"' in page and "Signed in as VK user 42." in page
    assert "in a new window" not in page  # no sign-in popup: the panel has its credential already
    assert response.headers["X-Test-Frame-Ancestors"] == " ".join(FRAMERS)
    assert frame_ancestors_of(response) == " ".join(FRAMERS)
    assert response.headers["Cache-Control"] == "no-store"
    config = config_of(page)
    assert config["hosts"] == list(FRAMERS) and config["channel"] == "vk" and config["cleanAddress"] is True
    with client.session_transaction() as session:  # signed in by the panel's credential, not by a cookie
        assert "_user_id" not in session
    assert "vk_user_id" not in page and "sign=" not in page  # nothing of the launch is echoed
    user = identity("vk", "42").user
    assert user.password_hash is None and user.email.endswith("@users.invalid")
    assert "<script>" not in page and "apps.js" not in page


def test_app_framers_and_widget_origins_stay_apart(app, client):
    """The panel talks to, and is framed by, exactly the platform's origins in the apps, and exactly the listed
    company site in the widget; neither list leaks into the other."""
    app.config["WIDGET_ORIGINS"] = "https://bank.example"
    in_vk = client.get(f"/apps/vk?{vk_query()}")
    assert "bank.example" not in in_vk.headers["Content-Security-Policy"]
    assert "https://bank.example" not in config_of(in_vk.get_data(as_text=True))["hosts"]
    widget = client.get("/widget/panel?host=https://bank.example")
    assert frame_ancestors_of(widget) == "https://bank.example"
    config = config_of(widget.get_data(as_text=True))
    assert config["hosts"] == ["https://bank.example"] and config["channel"] == "widget"
    assert config["credential"] is None and config["cleanAddress"] is False
    refused = client.get("/widget/panel?host=https://vk.com")
    assert refused.status_code == 403 and "vk.com" not in refused.headers["Content-Security-Policy"]


def test_vk_launch_is_accepted_once(client):
    query = vk_query()
    assert client.get(f"/apps/vk?{query}").status_code == 200
    replay = client.get(f"/apps/vk?{query}")
    assert replay.status_code == 403 and "already used" in replay.get_data(as_text=True)
    assert len(db.session.scalars(select(Identity)).all()) == 1


def test_public_vk_vectors_through_the_entry(app, client):
    app.config["VK_LAUNCH_MAX_AGE"] = 0  # the public vectors are years old
    (first, first_secret, _), *_rest, (bad, bad_secret, bad_valid) = vk_vectors()
    app.config["VK_APP_SECRET"] = first_secret
    assert client.get(f"/apps/vk?{first}").status_code == 200
    assert identity("vk", "494075") is not None
    app.config["VK_APP_SECRET"] = bad_secret
    assert not bad_valid and client.get(f"/apps/vk?{bad}").status_code == 403
    assert identity("vk", "172118960") is None


def test_posting_from_the_vk_panel_carries_channel_vk(client, community):
    page = client.get(f"/apps/vk?{vk_query(user_id='77')}").get_data(as_text=True)
    panel = client.application.test_client()  # the framed panel sends no cookies at all
    response = post_from(page, community["cards"].id)
    assert response.status_code == 201
    topic = db.session.scalar(select(Topic))
    assert topic.channel == "vk" and topic.author_id == identity("vk", "77").user_id
    posted = db.session.scalars(select(Event).where(Event.name == "topic_posted")).one()
    assert posted.channel == "vk"
    config = config_of(page)
    shown = panel.post(
        "/api/v1/widget/events",
        json={"event": "suggestions_shown", "draft": config["draft"]},
        headers={"X-Widget-Panel": config["panelToken"]},
    )
    assert shown.status_code == 201
    assert db.session.scalars(select(Event.channel).where(Event.name == "suggestions_shown")).one() == "vk"


def test_the_panel_credential_is_checked_and_the_old_ask_route_is_gone(client, community):
    page = client.get(f"/apps/vk?{vk_query(user_id='78')}").get_data(as_text=True)
    credential = config_of(page)["credential"]
    forged = {"Authorization": f"Bearer {credential['token'][:-3]}abc", "X-Widget-CSRF": credential["csrf"]}
    request = {
        "type": "question",
        "mood": "upset",
        "title": "How do I block my card?",
        "category_id": community["cards"].id,
    }
    assert client.post_raw("/api/v1/widget/topics", json=request, headers=forged).status_code == 401
    no_csrf = {"Authorization": f"Bearer {credential['token']}"}
    assert client.post_raw("/api/v1/widget/topics", json=request, headers=no_csrf).status_code == 403
    invalid = post_from(page, community["cards"].id, title="")
    assert invalid.status_code == 422 and invalid.get_json()["field"] == "title"
    assert client.post_raw("/apps/ask", data={"title": "x"}).status_code == 404
    assert db.session.scalar(select(Topic)) is None


def test_facebook_entry(client, community):
    assert client.get("/apps/facebook").status_code == 403
    for bad in ("", "abc", fb_request()[:-4] + "AAAA", fb_request(issued_at=time.time() - 7200), "x.y.z"):
        response = client.post_raw("/apps/facebook", data={"signed_request": bad})
        assert response.status_code == 403, bad
        assert response.headers["X-Test-Frame-Ancestors"] == " ".join(FRAMERS)
    no_user = client.post_raw("/apps/facebook", data={"signed_request": fb_request(user_id=None)})
    assert no_user.status_code == 403 and "Allow the app" in no_user.get_data(as_text=True)
    signed = fb_request(user_id="1001")
    page = client.post_raw("/apps/facebook", data={"signed_request": signed})
    assert page.status_code == 200 and "Signed in as Facebook user 1001." in page.get_data(as_text=True)
    assert frame_ancestors_of(page) == " ".join(FRAMERS)
    config = config_of(page.get_data(as_text=True))
    assert config["channel"] == "facebook" and config["hosts"] == list(FRAMERS)
    assert client.post_raw("/apps/facebook", data={"signed_request": signed}).status_code == 403  # replay
    response = post_from(
        page.get_data(as_text=True), community["cards"].id, type="idea", mood="", title="Dark theme for the app"
    )
    assert response.status_code == 201
    assert db.session.scalar(select(Topic)).channel == "facebook"


def test_public_facebook_vector_through_the_entry(app, client):
    app.config["FACEBOOK_SIGNED_REQUEST_MAX_AGE"] = 0
    ((signed, secret, _valid),) = facebook_vectors()
    app.config["FACEBOOK_APP_SECRET"] = secret
    assert client.post_raw("/apps/facebook", data={"signed_request": signed}).status_code == 200
    assert identity("facebook", "123") is not None
    app.config["FACEBOOK_APP_SECRET"] = "another"
    assert client.post_raw("/apps/facebook", data={"signed_request": signed}).status_code == 403


def test_facebook_data_deletion(client):
    client.post_raw("/apps/facebook", data={"signed_request": fb_request(user_id="2002")})
    user_id = identity("facebook", "2002").user_id
    bad = client.post_raw("/apps/facebook/data-deletion", data={"signed_request": "nope"})
    assert bad.status_code == 400 and "error" in bad.get_json()
    response = client.post_raw(
        "/apps/facebook/data-deletion", data={"signed_request": fb_request(user_id="2002", code="deletion")}
    )
    data = response.get_json()
    assert response.status_code == 200 and set(data) == {"url", "confirmation_code"}
    assert identity("facebook", "2002") is None
    from app.auth.models import User

    user = db.session.get(User, user_id)
    assert user.display_name == "Former Facebook user" and user.email.endswith("@users.invalid")
    status = client.get(urlsplit(data["url"]).path)
    assert status.status_code == 200 and data["confirmation_code"] in status.get_data(as_text=True)
    assert "Completed" in status.get_data(as_text=True)
    assert status.headers["X-Test-Frame-Ancestors"] == "'self'"
    assert client.get("/apps/facebook/data-deletion/unknown").status_code == 404


def test_one_customer_across_channels(client_as, customer, community, make_topic):
    """A customer whose VK account is linked sees, on their profile, what they posted on the site and in VK."""
    identity_services.link_identity(customer, identity_services.Profile("vk", "31337", "Carol in VK"))
    db.session.commit()
    make_topic(author=customer, title="Posted on the website", category=community["cards"])
    frame = client_as()
    page = frame.get(f"/apps/vk?{vk_query(user_id='31337')}").get_data(as_text=True)
    assert "Carol Customer" in page
    assert post_from(page, community["cards"].id, type="idea", title="Posted inside VK").status_code == 201
    profile = client_as(customer).get(f"/u/{customer.id}").get_data(as_text=True)
    assert "Posted on the website" in profile and "Posted inside VK" in profile
    channels = {t.title: t.channel for t in db.session.scalars(select(Topic))}
    assert channels == {"Posted on the website": "site", "Posted inside VK": "vk"}


def test_launch_parameters_are_redacted_from_access_logs(caplog):
    from app.apps import logfilter

    logfilter.install()
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        logging.getLogger("werkzeug").info(
            '%s - - "%s" %s -', "127.0.0.1", f"GET /apps/vk?{vk_query()} HTTP/1.1", "200"
        )
    assert "sign=" not in caplog.text and "vk_user_id" not in caplog.text and "/apps/vk?[redacted]" in caplog.text


def test_gunicorn_style_access_log_is_redacted_too():
    from app.apps.logfilter import RedactAppLaunch

    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, '%(h)s "%(r)s" %(s)s', (), None)
    record.args = {"h": "10.0.0.1", "r": f"GET /apps/vk?{vk_query()} HTTP/1.1", "s": "200"}
    assert RedactAppLaunch().filter(record)
    assert record.getMessage() == '10.0.0.1 "GET /apps/vk?[redacted] HTTP/1.1" 200'


def test_a_vk_app_customer_signing_in_on_the_site_with_vk_id_is_the_same_customer(client, community):
    page = client.get(f"/apps/vk?{vk_query(user_id='4242')}").get_data(as_text=True)
    assert post_from(page, community["cards"].id, type="idea", title="Asked inside VK").status_code == 201
    # What the VK ID callback does once VK has said who signed in (the provider round trip is tested with OIDC).
    site_user = identity_services.sign_in_with(identity_services.Profile("vk", "4242", "Vasya"))
    db.session.commit()
    assert site_user.id == identity("vk", "4242").user_id
    assert "Asked inside VK" in client.get(f"/u/{site_user.id}").get_data(as_text=True)
