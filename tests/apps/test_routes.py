"""/apps/vk and /apps/facebook: signature-gated entries, the framed ask view, replay, data deletion, framing."""
import logging
import time
from urllib.parse import urlencode, urlsplit

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from app.apps.routes import FRAMERS
from app.apps.services import FRAME_TOKEN_SALT
from app.apps.signatures import facebook_signed_request, vk_sign
from app.common.framing import frame_ancestors
from app.community.models import Topic
from app.extensions import db, limiter
from app.identity import services as identity_services
from app.identity.models import Identity
from tests.apps.vectors import facebook_vectors, vk_vectors

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


def token_of(page: str) -> str:
    return page.split('name="token" value="')[1].split('"')[0]


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


def test_vk_entry_signs_the_user_in_and_opens_the_ask_view(client):
    response = client.get(f"/apps/vk?{vk_query()}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="frame-ask-form"' in page and "through VK" in page
    assert response.headers["X-Test-Frame-Ancestors"] == " ".join(FRAMERS)
    with client.session_transaction() as session:  # signed in by the page's token, not by a cookie
        assert "_user_id" not in session
    assert "vk_user_id" not in page and "sign=" not in page  # nothing of the launch is echoed
    user = identity("vk", "42").user
    assert user.password_hash is None and user.email.endswith("@users.invalid")


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


def test_posting_from_the_vk_frame_carries_channel_vk(client, community):
    page = client.get(f"/apps/vk?{vk_query(user_id='77')}").get_data(as_text=True)
    response = client.post_raw("/apps/ask", data={
        "token": token_of(page), "type": "question", "title": "How do I block my card?", "body": "Lost it today.",
        "category_id": community["cards"].id, "mood": "upset"})
    assert response.status_code == 200 and "Your topic is published" in response.get_data(as_text=True)
    topic = db.session.scalar(select(Topic))
    assert topic.channel == "vk" and topic.author_id == identity("vk", "77").user_id


def test_frame_post_needs_a_valid_fresh_token(app, client, community):
    form = {"type": "question", "title": "How do I block my card?", "category_id": community["cards"].id,
            "mood": "upset", "body": "x"}
    page = client.get(f"/apps/vk?{vk_query(user_id='78')}").get_data(as_text=True)
    user_id = identity("vk", "78").user_id

    class ThirtyOneMinutesAgo(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - 31 * 60
    expired = URLSafeTimedSerializer(app.secret_key, salt=FRAME_TOKEN_SALT,
                                     signer=ThirtyOneMinutesAgo).dumps({"u": user_id, "c": "vk"})
    other_purpose = URLSafeTimedSerializer(app.secret_key, salt="something-else").dumps({"u": user_id, "c": "vk"})
    for token, message in (("", "not signed in"), (token_of(page)[:-3] + "abc", "not signed in"),
                           (expired, "expired"), (other_purpose, "not signed in")):
        response = client.post_raw("/apps/ask", data={**form, "token": token})
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(Topic)) is None
    invalid = client.post_raw("/apps/ask", data={**form, "title": "", "token": token_of(page)})
    assert invalid.status_code == 422 and db.session.scalar(select(Topic)) is None


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
    assert page.status_code == 200 and "through Facebook" in page.get_data(as_text=True)
    assert client.post_raw("/apps/facebook", data={"signed_request": signed}).status_code == 403  # replay
    client.post_raw("/apps/ask", data={"token": token_of(page.get_data(as_text=True)), "type": "idea",
                                       "title": "Dark theme for the app", "category_id": community["cards"].id})
    assert db.session.scalar(select(Topic)).channel == "facebook"


def test_public_facebook_vector_through_the_entry(app, client):
    app.config["FACEBOOK_SIGNED_REQUEST_MAX_AGE"] = 0
    (signed, secret, _valid), = facebook_vectors()
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
    response = client.post_raw("/apps/facebook/data-deletion",
                               data={"signed_request": fb_request(user_id="2002", code="deletion")})
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
    frame.post_raw("/apps/ask", data={"token": token_of(page), "type": "idea", "title": "Posted inside VK",
                                      "category_id": community["cards"].id})
    profile = client_as(customer).get(f"/u/{customer.id}").get_data(as_text=True)
    assert "Posted on the website" in profile and "Posted inside VK" in profile
    channels = {t.title: t.channel for t in db.session.scalars(select(Topic))}
    assert channels == {"Posted on the website": "site", "Posted inside VK": "vk"}


def test_launch_parameters_are_redacted_from_access_logs(caplog):
    from app.apps import logfilter
    logfilter.install()
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        logging.getLogger("werkzeug").info('%s - - "%s" %s -', "127.0.0.1",
                                           f"GET /apps/vk?{vk_query()} HTTP/1.1", "200")
    assert "sign=" not in caplog.text and "vk_user_id" not in caplog.text and "/apps/vk?[redacted]" in caplog.text


def test_gunicorn_style_access_log_is_redacted_too():
    from app.apps.logfilter import RedactAppLaunch
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, '%(h)s "%(r)s" %(s)s', (), None)
    record.args = {"h": "10.0.0.1", "r": f"GET /apps/vk?{vk_query()} HTTP/1.1", "s": "200"}
    assert RedactAppLaunch().filter(record)
    assert record.getMessage() == '10.0.0.1 "GET /apps/vk?[redacted] HTTP/1.1" 200'


def test_a_vk_app_customer_signing_in_on_the_site_with_vk_id_is_the_same_customer(client, community):
    page = client.get(f"/apps/vk?{vk_query(user_id='4242')}").get_data(as_text=True)
    client.post_raw("/apps/ask", data={"token": token_of(page), "type": "idea", "title": "Asked inside VK",
                                       "category_id": community["cards"].id})
    # What the VK ID callback does once VK has said who signed in (the provider round trip is tested with OIDC).
    site_user = identity_services.sign_in_with(identity_services.Profile("vk", "4242", "Vasya"))
    db.session.commit()
    assert site_user.id == identity("vk", "4242").user_id
    assert "Asked inside VK" in client.get(f"/u/{site_user.id}").get_data(as_text=True)
