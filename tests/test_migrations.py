"""`flask db upgrade` builds exactly the schema of the models, on SQLite and on PostgreSQL; downgrade undoes it.

The commands run in a subprocess, as an operator runs them (and so Alembic's logging setup stays out of the
test process).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from app import models  # noqa: F401  (registers every table on db.metadata)
from app.common.schema import include_object_for
from app.extensions import db
from tests.conftest import PG_URL

ROOT = Path(__file__).resolve().parents[1]
REQUIRE_SERVICES = os.environ.get("OTKLIK_REQUIRE_SERVICES") == "1"


def _flask_db(url: str, tmp_path, *args) -> None:
    env = {
        **os.environ,
        "OTKLIK_ENV": "development",
        "DATABASE_URL": url,
        "FLASK_APP": "wsgi.py",
        "SEARCH_INDEX_DIR": str(tmp_path / "search_index"),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "flask", "db", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"flask db {' '.join(args)}:\n{result.stdout}\n{result.stderr}"


def _engine(url: str):
    url = make_url(url)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return create_engine(url)


def _check_upgrade_and_downgrade(url: str, tmp_path) -> None:
    _flask_db(url, tmp_path, "upgrade")
    engine = _engine(url)
    try:
        with engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) == set(db.metadata.tables) | {"alembic_version"}
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_object": include_object_for(connection.dialect.name)}
            )
            assert compare_metadata(context, db.metadata) == []

        _flask_db(url, tmp_path, "downgrade", "base")
        with engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()


def test_migrations_on_an_empty_sqlite_file(tmp_path):
    _check_upgrade_and_downgrade(f"sqlite:///{tmp_path / 'empty.db'}", tmp_path)


def _postgres_admin_engine():
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL is not set: the PostgreSQL migration test needs a server")
    engine = create_engine(make_url(PG_URL).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    try:
        engine.connect().close()
    except OperationalError as error:
        engine.dispose()
        message = f"PostgreSQL at TEST_DATABASE_URL is unreachable: {error.orig}"
        if REQUIRE_SERVICES:
            pytest.fail(f"{message} (OTKLIK_REQUIRE_SERVICES=1)", pytrace=False)
        pytest.skip(message)
    return engine


@pytest.mark.postgres
def test_migrations_on_a_fresh_postgresql_database(tmp_path):
    engine = _postgres_admin_engine()
    # Named after the test database (otklik_migration_test for .../test), so two suites on two databases
    # of one server do not drop each other's.
    migration_db = f"otklik_migration_{make_url(PG_URL).database}"

    def drop():
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{migration_db}" WITH (FORCE)'))

    drop()
    try:
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{migration_db}"'))
        url = make_url(PG_URL).set(database=migration_db).render_as_string(hide_password=False)
        _check_upgrade_and_downgrade(url, tmp_path)
    finally:
        drop()
        engine.dispose()
