"""Liveness, readiness and the database timeouts: a PostgreSQL that accepts connections and never answers
costs a request less than 5 s and gives a translated 503 page; /readyz names each part that fails."""

import time

import pytest

from app import create_app
from app.extensions import db
from config import TestConfig
from tests.sockets import SilentServer, free_port


@pytest.fixture
def silent_pg():
    server = SilentServer()
    yield f"postgresql://otklik@127.0.0.1:{server.port}/otklik"
    server.close()


def _app(tmp_path, **settings):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'health.db'}"
        SEARCH_INDEX_DIR = str(tmp_path / "search_index")
        UPLOAD_DIR = str(tmp_path / "uploads")

    for key, value in settings.items():
        setattr(Config, key, value)
    return create_app(Config)


@pytest.fixture
def hung_app(tmp_path, silent_pg):
    app = _app(tmp_path, SQLALCHEMY_DATABASE_URI=silent_pg)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_hung_database_gives_a_translated_503_page_within_5_seconds(hung_app):
    client = hung_app.test_client()
    for path, language, text in (
        ("/", "en", "temporarily unavailable"),
        ("/?page=2", "ru", "сервис временно недоступен"),
    ):
        begun = time.monotonic()
        response = client.get(path, headers={"Accept-Language": language})
        elapsed = time.monotonic() - begun
        assert response.status_code == 503
        assert elapsed < 5, f"{path} took {elapsed:.1f} s"
        assert text in response.get_data(as_text=True).lower()
        assert response.headers["Retry-After"] == "30"


def test_a_client_asking_for_json_gets_503_json_when_the_database_hangs(hung_app):
    begun = time.monotonic()
    response = hung_app.test_client().get("/", headers={"Accept": "application/json"})
    assert time.monotonic() - begun < 5
    assert response.status_code == 503
    assert "unavailable" in response.get_json()["error"]


def test_liveness_and_readiness_with_a_hung_database(hung_app):
    client = hung_app.test_client()
    assert client.get("/healthz").status_code == 200  # the process answers: no restart needed
    begun = time.monotonic()
    response = client.get("/readyz")
    assert time.monotonic() - begun < 5
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "fail" and body["failed"] == ["database"]
    assert "timeout" in body["checks"]["database"]["error"].lower()
    assert body["checks"]["queue"]["ok"] is None  # could not be checked without the database


def test_the_timeouts_reach_the_postgresql_driver(hung_app):
    options = hung_app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["connect_args"]["connect_timeout"] == 3
    assert "statement_timeout=10000" in options["connect_args"]["options"]
    assert "connect_args" not in TestConfig.SQLALCHEMY_ENGINE_OPTIONS  # the shared default is not changed


def test_readyz_is_200_when_everything_answers(app, client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["failed"] == [] and set(body["checks"]) >= {"database", "search", "queue"}
    assert body["checks"]["queue"]["backlog"] == 0


def test_readyz_names_a_redis_that_does_not_answer(tmp_path):
    app = _app(
        tmp_path, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0", JOBS_MODE="eager", RATELIMIT_STORAGE_URI="memory://"
    )
    with app.app_context():
        db.create_all()
    body = app.test_client().get("/readyz").get_json()
    assert body["failed"] == ["redis"]
    assert "connect" in body["checks"]["redis"]["error"].lower()


def test_readyz_names_a_search_index_that_cannot_be_opened(tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the index directory should be")
    app = _app(tmp_path, SEARCH_INDEX_DIR=str(blocker))
    with app.app_context():
        db.create_all()
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["failed"] == ["search"]


def test_readyz_names_a_queue_that_falls_behind(app, client, make_topic):
    app.config.update(SEARCH_SYNC="deferred", READY_MAX_LAG_SECONDS=0, READY_MAX_BACKLOG=0)
    make_topic(title="Left in the outbox: nobody drains it")
    time.sleep(0.05)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["failed"] == ["queue"]
    assert (
        "backlog 1" in body["checks"]["queue"]["error"] and "READY_MAX_LAG_SECONDS" in body["checks"]["queue"]["error"]
    )
