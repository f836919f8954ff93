"""Rate limits (app/common/ratelimit.py): per IP and per account, stricter for new accounts, looser for staff; a 429
carries Retry-After and a translated page, or JSON under /api/. Run on the in-process memory store and on Redis."""

import os
import re
from datetime import timedelta

import pytest
import redis

from app import create_app
from app.common.db import utcnow
from app.common.ratelimit import limit_string
from app.extensions import db
from tests.conftest import CsrfClient, _config_for, built_app
from tests.factories import PASSWORD
from tests.helpers import page_text

REDIS_URL = os.environ.get("REDIS_URL", "")
REQUIRE = os.environ.get("OTKLIK_REQUIRE_SERVICES") == "1"


def _redis_or_skip() -> str:
    reason = None
    if not REDIS_URL:
        reason = "REDIS_URL is not set: the Redis rate-limit store is not tested"
    else:
        try:
            redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
        except redis.RedisError as error:
            reason = f"Redis at REDIS_URL does not answer: {error}"
    if reason and REQUIRE and REDIS_URL:  # CI's SQLite run is the embedded default, without Redis
        pytest.fail(f"{reason} (OTKLIK_REQUIRE_SERVICES=1)", pytrace=False)
    if reason:
        pytest.skip(reason)
    return REDIS_URL


@pytest.fixture(params=["memory", "redis"])
def app(request, tmp_path):
    """The suite's app, with the rate-limit store named by the parameter."""
    storage = "memory://" if request.param == "memory" else _redis_or_skip()

    class Config(_config_for(tmp_path)):
        RATELIMIT_STORAGE_URI = storage

    yield from built_app(Config)


def _client(app, ip="203.0.113.7"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    return CsrfClient(client)


def _sign_in(client, email, password="wrong password, sorry"):
    return client.post("/login", {"email": email, "password": password})


def test_the_seventh_sign_in_attempt_in_a_minute_is_429(app, customer):
    client = _client(app)
    assert [_sign_in(client, "customer@test.example").status_code for _ in range(6)] == [422] * 6

    refused = _sign_in(client, "customer@test.example", PASSWORD)  # even the right password now waits

    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 61
    assert refused.mimetype == "text/html"
    assert "Too many requests. Please wait a moment and try again." in page_text(refused)
    assert client.get("/login").status_code == 200  # looking at the form is not an attempt
    assert _sign_in(_client(app, "198.51.100.9"), "customer@test.example", PASSWORD).status_code == 302


def test_the_429_page_is_translated(app, customer):
    client = _client(app)
    for _ in range(6):
        _sign_in(client, "customer@test.example")

    refused = client.post("/login?lang=ru", {"email": "customer@test.example", "password": "x"})

    assert refused.status_code == 429
    assert "Слишком много запросов" in page_text(refused)


def test_the_account_limit_holds_across_addresses(app, customer, make_user):
    other = make_user(email="other@test.example")
    for n in range(10):  # ten addresses, one attempt each; the address is normalised as the account is
        email = ["customer@test.example", " Customer@Test.Example ", "CUSTOMER@test.example"][n % 3]
        assert _sign_in(_client(app, f"192.0.2.{n + 1}"), email).status_code == 422

    fresh_address = _client(app, "192.0.2.200")
    refused = _sign_in(fresh_address, "customer@test.example", PASSWORD)

    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert _sign_in(fresh_address, other.email, PASSWORD).status_code == 302  # other accounts are not locked


def test_api_limits_answer_json_with_retry_after(app):
    app.config["RATELIMIT_EVENTS"] = "2/minute"
    app.config["RATELIMIT_SUGGEST"] = "2/minute"
    client = _client(app)
    event = {"event": "suggestions_shown", "draft": "draft-limit-1", "count": 1}
    headers = {"X-CSRFToken": client.csrf_token()}
    assert [client.post_raw("/api/v1/events", json=event, headers=headers).status_code for _ in range(2)] == [201] * 2
    assert [client.get("/api/v1/suggest?title=card").status_code for _ in range(2)] == [200] * 2

    for response in (
        client.post_raw("/api/v1/events", json=event, headers=headers),
        client.get("/api/v1/suggest?title=card"),
    ):
        assert response.status_code == 429
        assert response.get_json() == {"error": "Too many requests. Please wait a moment and try again."}
        assert int(response.headers["Retry-After"]) > 0


def _age(user, days):
    user.created_at = utcnow() - timedelta(days=days)
    db.session.commit()


def test_posting_is_stricter_for_new_accounts_and_looser_for_staff(app, client_as, make_topic, make_user, community):
    app.config.update(
        RATELIMIT_POST="3/minute",
        RATELIMIT_POST_NEW="1/minute",
        RATELIMIT_NEW_ACCOUNT_DAYS=3,
        RATELIMIT_STAFF_FACTOR=10,
    )
    topic = make_topic(category=community["cards"])
    newcomer, regular = make_user(), make_user()
    _age(regular, 30)
    _age(community["rep_private"], 30)

    def comments(user, count):
        client = client_as(user)
        return [client.post(f"/t/{topic.id}/comments", {"body": f"Comment {n}"}).status_code for n in range(count)]

    assert comments(newcomer, 2) == [302, 429]
    assert comments(regular, 4) == [302, 302, 302, 429]
    assert comments(community["rep_private"], 12) == [302] * 12


def test_topics_and_comments_share_the_posting_budget(app, client_as, make_topic, make_user, community):
    app.config.update(RATELIMIT_POST="2/minute")
    author = make_user()
    _age(author, 30)
    topic = make_topic(category=community["cards"])
    client = client_as(author)

    assert client.post(f"/t/{topic.id}/comments", {"body": "First"}).status_code == 302
    assert (
        client.post(
            "/new",
            {
                "type": "question",
                "mood": "upset",
                "title": "A perfectly fine title",
                "body": "Details.",
                "category_id": str(community["cards"].id),
                "confirmed": "1",
            },
        ).status_code
        == 302
    )
    assert client.post(f"/t/{topic.id}/comments", {"body": "Third"}).status_code == 429


def test_registration_is_limited_per_address(app):
    app.config["RATELIMIT_REGISTER"] = "2/minute"
    client = _client(app)

    def register(n):
        return client.post(
            "/register",
            {
                "display_name": f"Person {n}",
                "email": f"p{n}@test.example",
                "password": "violet-lantern-42",
                "password2": "violet-lantern-42",
            },
        )

    assert register(1).status_code == 302
    client.post("/logout")
    assert register(2).status_code == 302
    client.post("/logout")
    assert register(3).status_code == 429


def test_a_new_app_counts_afresh(app, tmp_path, customer):
    client = _client(app)
    for _ in range(7):
        _sign_in(client, "customer@test.example")
    assert _sign_in(client, "customer@test.example").status_code == 429

    class Config(_config_for(tmp_path / "second")):
        RATELIMIT_STORAGE_URI = app.config["RATELIMIT_STORAGE_URI"]

    second = create_app(Config)
    with second.app_context():
        db.create_all()
    other = second.test_client()
    token = re.search(r'name="csrf-token" content="([^"]+)"', other.get("/login").get_data(as_text=True))[1]
    response = other.post(
        "/login",
        data={"email": "customer@test.example", "password": "x", "csrf_token": token},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    with second.app_context():
        db.session.remove()
        db.engine.dispose()
    assert response.status_code == 422


def test_limit_strings_come_from_the_settings(app, make_user):
    with app.test_request_context():
        assert limit_string("signin") == "6/minute;30/hour"
        assert limit_string("signin_account") == "10/hour"
        with pytest.raises(KeyError, match="RATELIMIT_NO_SUCH_THING"):
            limit_string("no_such_thing")


def test_uploads_are_limited_per_account(app, client_as, customer):
    import io

    from PIL import Image

    app.config["RATELIMIT_UPLOAD"] = "2/minute"
    browser = client_as(customer)

    def upload():
        buffer = io.BytesIO()
        Image.new("RGB", (8, 8), (10, 20, 30)).save(buffer, format="PNG")
        return browser.post_raw(
            "/uploads",
            data={"file": (io.BytesIO(buffer.getvalue()), "a.png")},
            content_type="multipart/form-data",
            headers={"X-CSRFToken": browser.csrf_token(), "Accept": "application/json"},
        )

    assert [upload().status_code for _ in range(2)] == [201, 201]
    refused = upload()
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert refused.get_json()["error"] == "Too many requests. Please wait a moment and try again."


def test_counting_article_readings_is_limited_per_address(app, make_article):
    """Readings feed the article's search popularity: a script reporting views in a loop is cut off."""
    app.config["RATELIMIT_VIEW"] = "2/minute"
    article = make_article()
    client = _client(app)
    headers = {"X-CSRFToken": client.csrf_token(), "Accept": "application/json"}

    assert [client.post_raw(f"/kb/{article.id}/view", headers=headers).status_code for _ in range(2)] == [202, 202]
    refused = client.post_raw(f"/kb/{article.id}/view", headers=headers)

    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    other = _client(app, "198.51.100.20")
    assert other.post_raw(f"/kb/{article.id}/view", headers={"X-CSRFToken": other.csrf_token()}).status_code == 202
    db.session.refresh(article)
    assert article.view_count == 3
