"""The cached brand sees a save made by another application instance (another worker or node) on its next
request, through the database version or its Redis mirror; unchanged, it costs one tiny query (or a Redis GET)."""

import os

import lxml.html
import pytest

from app import create_app
from app.branding import store
from app.extensions import db
from tests.branding.conftest import form_data
from tests.conftest import AuthActions, CsrfClient, IsolatedFlaskClient, _config_for
from tests.helpers import count_statements

REDIS_URL = os.environ.get("REDIS_URL", "")
REQUIRE_SERVICES = os.environ.get("OTKLIK_REQUIRE_SERVICES") == "1"


def shown_name(client) -> str:
    html = lxml.html.fromstring(client.get("/?lang=en").get_data(as_text=True))
    return html.xpath("//header//*[contains(@class, 'brand-name')]")[0].text_content()


def other_instance(tmp_path, **config):
    """A second create_app on the same database, as another gunicorn worker or another node runs it."""
    base = _config_for(tmp_path)
    other = create_app(type("OtherNode", (base,), config))
    other.test_client_class = IsolatedFlaskClient
    return other


def save(client, name: str) -> None:
    response = client.post("/admin/branding", form_data(name_en=name))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def run_two_instances(app, tmp_path, admin, **config):
    node_b = other_instance(tmp_path, **config)
    client_a = CsrfClient(app.test_client())
    AuthActions(client_a).login(admin.email)
    client_b = node_b.test_client()
    try:
        assert shown_name(client_b) == app.config["COMMUNITY_NAME"]  # B has cached the default brand
        save(client_a, "First Brand")
        assert shown_name(client_b) == "First Brand"
        assert shown_name(client_b) == "First Brand"
        save(client_a, "Second Brand")  # B already holds a cached copy: it still notices
        assert shown_name(client_b) == "Second Brand"
    finally:
        with node_b.app_context():
            db.session.remove()
            db.engine.dispose()
    return node_b


def test_another_instance_sees_a_save_at_once_through_the_database(app, tmp_path, admin):
    app.config["REDIS_URL"] = ""
    run_two_instances(app, tmp_path, admin, REDIS_URL="")


@pytest.fixture
def redis_url():
    if not REDIS_URL:  # CI's SQLite run is the embedded default, without Redis; its second run sets REDIS_URL
        pytest.skip("REDIS_URL is not set: the Redis mirror of the version is not tested")
    import redis

    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError as error:
        if REQUIRE_SERVICES:
            pytest.fail(f"Redis at {REDIS_URL} is unreachable: {error}", pytrace=False)
        pytest.skip(f"Redis at {REDIS_URL} is unreachable: {error}")
    return REDIS_URL


def test_another_instance_sees_a_save_at_once_through_redis(app, tmp_path, admin, redis_url):
    app.config["REDIS_URL"] = redis_url  # the test app's REDIS_PREFIX is its own: the other node shares it
    run_two_instances(app, tmp_path, admin, REDIS_URL=redis_url, REDIS_PREFIX=app.config["REDIS_PREFIX"])


def test_an_unchanged_brand_costs_one_small_query_per_request(app, client, save_brand):
    app.config["REDIS_URL"] = ""
    save_brand()
    client.get("/")
    with count_statements() as statements:
        client.get("/")
    brand_queries = [s for s in statements if "settings" in s]
    assert len(brand_queries) == 1 and brand_queries[0].lstrip().upper().startswith("SELECT SETTINGS.VERSION")


def test_with_redis_an_unchanged_brand_costs_no_query(app, client, save_brand, redis_url):
    app.config["REDIS_URL"] = redis_url
    save_brand()
    client.get("/")
    with count_statements() as statements:
        client.get("/")
    assert [s for s in statements if "settings" in s] == []


def test_with_redis_a_lost_counter_costs_one_request_a_query(app, client, save_brand, redis_url):
    """Redis emptied (or never told): the first request reads the database and starts the counter; the next one
    asks Redis alone, as before."""
    app.config["REDIS_URL"] = redis_url
    save_brand()
    client.get("/")
    from app.common import redis_conn

    redis_conn.client(app).delete(store.redis_key("brand", app))
    with count_statements() as first:
        client.get("/")
    with count_statements() as second:
        client.get("/")
    assert [s for s in first if "settings" in s] != [] and [s for s in second if "settings" in s] == []


def test_the_store_keeps_any_json_with_a_version(app, admin):
    assert store.read("feature.x") == (0, {})
    assert store.write("feature.x", {"a": [1, 2]}, admin) == 1
    assert store.write("feature.x", {"a": [3]}, admin) == 2
    db.session.commit()
    assert store.read("feature.x") == (2, {"a": [3]})
    assert store.cached("feature.x", lambda version, value: (version, value["a"])) == (2, [3])
