"""Smart search: one analyser, one logical index, two backends (Whoosh, PostgreSQL), synced through an outbox.

Search knows no feature's models: content opts in with `documents.register_kind()`.
"""


def init_app(app) -> None:
    """The suggest API and `flask search`."""
    from app.common import pagecache

    pagecache.private_tables(
        "search_documents", "search_terms", "search_meta", "search_outbox"
    )  # never shown on a cached public page
    from app.search.cli import search_cli
    from app.search.routes import bp

    app.register_blueprint(bp)
    app.cli.add_command(search_cli)
