"""One log line per request with its id (also in X-Request-ID and in every line of that request), the path
without secrets or VK/Facebook launch parameters, status, duration and user; JSON lines; slow requests and
slow queries are warnings."""

import json
import logging

import pytest

from app.common.logs import JsonFormatter, TextFormatter

VK_LAUNCH = (
    "vk_access_token_settings=&vk_app_id=51234&vk_are_notifications_enabled=0&vk_is_app_user=1"
    "&vk_language=ru&vk_platform=desktop_web&vk_user_id=494075&sign=htQFduJpLxz7ribXRZpDFUH-XEUhC9rBPTJkjUFEkRA"
)


def _request_records(caplog):
    return [r for r in caplog.records if r.name == "otklik.request"]


@pytest.fixture
def logs(caplog):
    caplog.set_level(logging.INFO)
    return caplog


def test_each_request_has_an_id_in_the_header_and_in_its_log_line(client, logs):
    response = client.get("/?page=2&" + VK_LAUNCH + "&fb_signed_request=abc.def&token=secret123")

    request_id = response.headers["X-Request-ID"]
    assert len(request_id) == 32
    [record] = _request_records(logs)
    assert record.request_id == request_id
    assert (record.method, record.status, record.user_id) == ("GET", 200, None)
    assert record.path == "/?page=2"  # launch parameters, signatures and tokens never reach the log
    assert record.duration_ms > 0
    line = TextFormatter().format(record)
    assert request_id in line and "sign" not in line and "494075" not in line and "secret123" not in line
    assert client.get("/").headers["X-Request-ID"] != request_id  # a new id per request


def test_a_sane_incoming_request_id_is_kept_and_an_odd_one_replaced(client, logs):
    assert (
        client.get("/healthz", headers={"X-Request-ID": "lb-7f3a9c21-0042"}).headers["X-Request-ID"]
        == "lb-7f3a9c21-0042"
    )
    for odd in ("short", "x" * 65, "has space in it", "inject\\nline<script>"):
        returned = client.get("/healthz", headers={"X-Request-ID": odd}).headers["X-Request-ID"]
        assert returned != odd and len(returned) == 32


def test_token_segments_of_the_path_are_masked_slugs_are_not(client, logs):
    client.get("/unsubscribe/eyJ1IjoxMiwiZSI6InRvcGljIn0.ZnRhbQ.Qm9vZ3VzU2lnbmF0dXJlMTIz")
    client.get("/t/12-card-blocked-after-3-wrong-pin-attempts?page=2&utm_source=vk")
    assert [r.path for r in _request_records(logs)] == [
        "/unsubscribe/[token]",
        "/t/12-card-blocked-after-3-wrong-pin-attempts?page=2",
    ]


def test_the_user_id_of_a_signed_in_request_is_logged(client, auth, customer, logs):
    auth.login()
    logs.clear()
    client.get("/")
    [record] = _request_records(logs)
    assert record.user_id == customer.id


def test_every_line_of_a_request_carries_its_id_and_slow_queries_are_warnings(app, client, make_topic, logs):
    make_topic(title="A topic so the home page runs queries")
    app.config["SLOW_QUERY_MS"] = 0  # every statement is "slow"
    logs.clear()
    response = client.get("/", headers={"X-Request-ID": "trace-0123456789"})
    slow = [r for r in logs.records if r.name == "otklik.sql"]
    assert slow and all(r.levelno == logging.WARNING for r in slow)
    assert all(r.request_id == "trace-0123456789" for r in slow)
    assert "SELECT" in slow[0].statement and "slow query" in slow[0].getMessage()
    assert response.headers["X-Request-ID"] == "trace-0123456789"
    assert {r.request_id for r in logs.records if r.name.startswith(("otklik", "app"))} == {"trace-0123456789"}


def test_a_slow_request_is_a_warning(app, client, logs):
    app.config["SLOW_REQUEST_MS"] = 0
    client.get("/healthz")
    [record] = _request_records(logs)
    assert record.levelno == logging.WARNING and "slow request" in record.getMessage()


def test_json_lines(app, client, logs):
    client.get("/healthz?lang=ru&sign=abc")
    [record] = _request_records(logs)
    data = json.loads(JsonFormatter().format(record))
    assert data["request_id"] == record.request_id and data["path"] == "/healthz?lang=ru"
    assert (data["method"], data["status"], data["level"], data["logger"]) == ("GET", 200, "INFO", "otklik.request")
    assert isinstance(data["duration_ms"], float) and data["user_id"] is None


def test_log_format_json_installs_the_json_formatter(tmp_path):
    from app import create_app
    from config import TestConfig

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'logs.db'}"
        SEARCH_INDEX_DIR = str(tmp_path / "index")
        LOG_FORMAT = "json"

    create_app(Config)
    [ours] = [h for h in logging.getLogger().handlers if getattr(h, "otklik", False)]
    assert isinstance(ours.formatter, JsonFormatter)
    Config.LOG_FORMAT = "text"
    create_app(Config)
    assert isinstance(ours.formatter, TextFormatter)
