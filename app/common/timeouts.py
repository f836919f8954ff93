"""Database timeouts: a PostgreSQL server that does not answer costs a request seconds, not minutes.

DB_CONNECT_TIMEOUT (seconds, default 3): libpq's connect_timeout, for the whole connection set-up.
DB_STATEMENT_TIMEOUT (seconds, default 10; 0: none): the server cancels a statement running longer.
DB_DURABLE_COMMITS off (tests only) adds synchronous_commit=off: a commit does not wait for the disk.
A request that hits either gets the 503 page (app/common/errors.py).
"""

from sqlalchemy.engine import make_url


def engine_options(config) -> dict:
    """SQLALCHEMY_ENGINE_OPTIONS with the timeouts added for PostgreSQL (a new dict: the class default is shared)."""
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if make_url(config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() != "postgresql":
        return options
    connect_args = dict(options.get("connect_args") or {})
    connect_args.setdefault("connect_timeout", max(1, int(config.get("DB_CONNECT_TIMEOUT", 3))))
    statement_ms = int(float(config.get("DB_STATEMENT_TIMEOUT", 10)) * 1000)
    settings = [f"-c statement_timeout={statement_ms}"] if statement_ms > 0 else []
    if not config.get("DB_DURABLE_COMMITS", True):
        settings.append("-c synchronous_commit=off")  # DB_DURABLE_COMMITS (config.py): tests only
    if settings:
        connect_args["options"] = " ".join([connect_args.get("options", ""), *settings]).strip()
    options["connect_args"] = connect_args
    # Waiting for a free pooled connection is bounded too (the default is 30 s).
    options.setdefault("pool_timeout", max(1, int(config.get("DB_CONNECT_TIMEOUT", 3))) + 2)
    return options
