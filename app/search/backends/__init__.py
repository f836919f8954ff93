"""Choose the search backend from config: SEARCH_BACKEND = whoosh (default) | postgres."""

from flask import current_app


def create_backend(config) -> "SearchBackend":  # noqa: F821
    name = config.get("SEARCH_BACKEND", "whoosh")
    if name == "postgres":
        from app.search.backends.postgres_backend import PostgresBackend

        return PostgresBackend()
    if name == "whoosh":
        from app.search.backends.whoosh_backend import WhooshBackend

        return WhooshBackend(config["SEARCH_INDEX_DIR"])
    raise RuntimeError(f"Unknown SEARCH_BACKEND {name!r}: use 'whoosh' or 'postgres'.")


def get_backend():
    """The backend of the current app (created once per app)."""
    backend = current_app.extensions.get("otklik_search")
    if backend is None:
        backend = create_backend(current_app.config)
        current_app.extensions["otklik_search"] = backend
    return backend
