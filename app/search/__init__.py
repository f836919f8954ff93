"""Smart search: one analyser, one logical index, two backends (Whoosh, PostgreSQL), synced through an outbox.

Search knows no feature's models: content opts in with `documents.register_kind()`.
"""


def init_app(app) -> None:
    """The suggest API and `flask search`."""
    from app.common import pagecache

    pagecache.private_tables(
        "search_documents",
        "search_terms",
        "search_meta",
        "search_stats",
        "search_outbox",
        "search_vectors",
        "search_vector_model",
    )  # never shown on a cached public page
    from app.search.cli import search_cli
    from app.search.routes import bp

    app.register_blueprint(bp)
    app.cli.add_command(search_cli)
    _register_background(app)


TIERS_EVERY = 900.0  # seconds between two takes of the PostgreSQL backend's popularity tiers


def _refresh_tiers() -> int:
    """The `search.tiers` job: the popularity tiers capped suggestions ask first, and the hot index (PostgreSQL
    backend only)."""
    from app.search.backends import get_backend

    refresh = getattr(get_backend(), "refresh_tiers", None)
    return len(refresh(hot_index=True)) if refresh is not None else 0


def _register_background(app) -> None:
    """The `search.drain` job (after each commit that touched searchable rows, and at every sweep) and the
    outbox's counts and dead letters for /readyz, `flask stats` and /admin."""
    from flask_babel import lazy_gettext as _l

    from app.jobs.registry import SWEEP, DeadLetter, OutboxSource, register_job, register_outbox, register_periodic
    from app.search import outbox

    register_job(app, outbox.JOB, outbox.run_drain_job, every=SWEEP)
    register_periodic(app, "search.tiers", _refresh_tiers, every=TIERS_EVERY)

    def dead(limit):
        return [
            DeadLetter(row.id, f"{row.kind} {row.ref_id}", row.attempts, row.last_error or "", row.dead_at)
            for row in outbox.dead_letters(limit)
        ]

    register_outbox(
        app,
        OutboxSource(
            name="search",
            label=_l("Search index"),
            job=outbox.JOB,
            pending=outbox.pending_count,
            oldest_pending=outbox.oldest_pending,
            dead_count=outbox.dead_count,
            dead_letters=dead,
            retry=outbox.retry_dead,
        ),
    )
