"""Learning from customers' choices: the words a customer typed before a suggestion solved their problem
become an "also asked as" phrasing of that thread, indexed once enough distinct customers (or staff)
confirm it; moderators' merges and representatives' answers with a link teach the same. Staff see and
manage phrasings on topics and articles; nothing a customer typed is ever shown to anyone else."""

DEFAULTS = {
    "PHRASINGS_MIN_CUSTOMERS": 3,  # distinct customers who must choose a thread after typing the same wording
    "PHRASINGS_SETTLE_MINUTES": 30,  # a click counts once its draft went this long without being posted
    "PHRASINGS_MAX_PER_THREAD": 50,  # wordings kept per thread (confirmed or not)
    "PHRASINGS_INDEXED": 8,  # confirmed wordings indexed per thread, strongest first ...
    "PHRASINGS_INDEXED_TERMS": 64,  # ... and at most this many distinct words they add to the thread
    "PHRASINGS_SETTLE_EVERY": 300,  # seconds between two runs of the periodic job `learning.settle`
}


def init_app(app) -> None:
    import os

    from app.common import pagecache
    from app.jobs.registry import register_periodic
    from app.learning import receivers, rules, services  # noqa: F401  (rules registers manage_phrasings)
    from app.learning.cli import learning_cli
    from app.learning.indexing import add_phrasings
    from app.learning.routes import bp
    from app.search.documents import register_enricher

    for key, default in DEFAULTS.items():
        value = os.environ.get(key)
        app.config.setdefault(key, default if value is None else int(value))
    app.extensions["otklik_learning"] = True  # the enricher and receivers are process-wide: they ask this
    register_enricher(add_phrasings)
    receivers.connect()
    app.register_blueprint(bp)
    app.cli.add_command(learning_cli)
    register_periodic(app, "learning.settle", services.settle, every=app.config["PHRASINGS_SETTLE_EVERY"])
    # what customers typed is never shown on a public page
    pagecache.private_tables("phrasings", "phrasing_votes", "phrasing_clicks")


def enabled() -> bool:
    """Whether the current app has this feature (its receivers and enricher are connected process-wide)."""
    from flask import current_app, has_app_context

    return has_app_context() and bool(current_app.extensions.get("otklik_learning"))
