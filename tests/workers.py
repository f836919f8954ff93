"""Each pytest-xdist worker's own services. Called from tests/__init__.py, so it runs before config.py (whose
settings read REDIS_URL when it is imported) or any test module reads the URLs."""

import os
import sys


def use_own_services():
    """Under pytest-xdist (`make test` runs `-n 2`), each worker process gets a database and a Redis
    database of its own, so two workers never truncate or count each other's rows and keys: TEST_DATABASE_URL
    .../test becomes .../test_gw1 for worker gw1 (created if missing), and REDIS_URL .../15 becomes .../14
    (the number minus the worker's index, modulo 16)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return
    index = int(worker[2:])
    if "config" in sys.modules:  # its settings already hold the shared URLs: the workers would share Redis
        raise RuntimeError("tests/workers.py must run before config.py is imported (it is called by tests/__init__.py)")
    pg_url = os.environ.get("TEST_DATABASE_URL", "")
    if pg_url.startswith("postgres"):
        os.environ["TEST_DATABASE_URL"] = _worker_database(pg_url, worker)
    redis_url = os.environ.get("REDIS_URL", "")
    if redis_url:
        base, _, number = redis_url.rstrip("/").rpartition("/")
        number = int(number) if number.isdigit() else 0
        os.environ["REDIS_URL"] = f"{base}/{(number - index) % 16}" if base.count("/") > 1 else redis_url


def _worker_database(url: str, worker: str) -> str:
    """URL of the database `<name>_<worker>` on the server of `url`, created if it does not exist yet. An
    unreachable server is left to the tests that need it (they skip, or fail under OTKLIK_REQUIRE_SERVICES)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name = f"{parsed.database}_{worker}"
    try:
        import psycopg

        admin = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
            if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                connection.execute(f'CREATE DATABASE "{name}"')
    except Exception:  # reported by the tests that use the database (a skip, or a failure in CI)
        pass
    return parsed.set(database=name).render_as_string(hide_password=False)
