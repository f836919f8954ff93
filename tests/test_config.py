"""Production settings: the app refuses to start without SECRET_KEY, and never loads the demo."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import create_app
from config import ProductionConfig

ROOT = Path(__file__).resolve().parents[1]


def _start_wsgi(tmp_path, code="print('started', wsgi.app.config['ENV_NAME'])", **env):
    """Import wsgi.py the way gunicorn does, with a clean environment plus `env`, then run `code`."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "OTKLIK_ENV", "DATABASE_URL", "TEST_DATABASE_URL"}
    }
    clean.update(
        {
            "SEARCH_INDEX_DIR": str(tmp_path / "search_index"),
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.db'}",
            **env,
        }
    )
    return subprocess.run(
        [sys.executable, "-c", f"import wsgi; {code}"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _start_wsgi(tmp_path, OTKLIK_ENV="production")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_starts_with_a_secret_key(tmp_path):
    result = _start_wsgi(tmp_path, OTKLIK_ENV="production", SECRET_KEY="a-long-random-production-secret")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started production"


def test_the_started_app_is_kept_out_of_full_garbage_collections(tmp_path):
    # what importing and creating the app allocated is frozen (gc.freeze): a full collection on a warm worker
    # walks only what requests added since (issue 14: ~130 ms pauses in random requests before)
    code = "import gc; frozen = gc.get_freeze_count(); gc.collect(); print(frozen, gc.get_freeze_count())"
    result = _start_wsgi(tmp_path, code=code, SECRET_KEY="a-long-random-production-secret")

    assert result.returncode == 0, result.stderr
    frozen, after_collect = map(int, result.stdout.split())
    assert frozen > 50_000 and after_collect == frozen


@pytest.mark.parametrize("secret", ["", None])
def test_create_app_refuses_a_production_config_without_a_secret_key(tmp_path, secret):
    class Config(ProductionConfig):
        SECRET_KEY = secret
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'prod.db'}"

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(Config)


def test_production_does_not_allow_the_demo():
    assert ProductionConfig.DEMO_ALLOWED is False


@pytest.mark.parametrize("durable", [True, False])
def test_commits_wait_for_the_disk_unless_durable_commits_are_off(tmp_path, durable):
    """DB_DURABLE_COMMITS (on by default; off only in tests) reaches the live connection on both databases."""
    from sqlalchemy import text

    from app.extensions import db
    from tests.conftest import _config_for

    class Config(_config_for(tmp_path)):
        DB_DURABLE_COMMITS = durable

    app = create_app(Config)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            level = db.session.execute(text("PRAGMA synchronous")).scalar()
            assert level == (2 if durable else 0)  # FULL / OFF
        else:
            setting = db.session.execute(text("SHOW synchronous_commit")).scalar()
            assert setting == ("on" if durable else "off")
        db.session.remove()
        db.engine.dispose()
