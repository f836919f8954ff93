"""flask search sync | reindex | recount | verify"""

import click
from flask.cli import AppGroup
from sqlalchemy.orm import Session

from app.extensions import db
from app.jobs.locks import LockBusy
from app.search import analysis, custom_synonyms, outbox, suggest_cache
from app.search.backends import get_backend
from app.search.documents import get_kind, kinds
from app.search.semantic import build as semantic_build
from app.search.semantic import store as semantic_store

search_cli = AppGroup("search", help="Keep the search index in step with the database.")
BATCH = 500


@search_cli.command("sync")
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    help="Seconds to wait when another process is draining the index.",
)
@click.option("--retry-dead", is_flag=True, help="Make dead letters due again first.")
def sync_command(wait: float, retry_dead: bool):
    """Apply changes still waiting in the outbox (after a crash, or with SEARCH_SYNC=deferred), back-off ignored.
    Safe to run concurrently: a second run waits for the first, or exits 0 saying another one is running."""
    if retry_dead:
        click.echo(f"Dead letters made due again: {outbox.retry_dead(None)}")
        db.session.commit()
    try:
        report = outbox.drain(retry_now=True, lock_wait=wait, time_limit=float("inf"))
    except LockBusy as busy:
        click.echo(
            f"Another process is draining the search index right now (lock {busy}); it will apply the "
            f"pending changes. Nothing to do."
        )
        return
    left = outbox.pending_count()
    click.echo(f"Applied {report.applied} outbox rows; {left} left, {outbox.dead_count()} dead letters.")
    if report.busy:
        click.echo("The index was locked by another writer; the rest is left for the next drain.")
    if report.retrying or report.dead:
        raise click.ClickException(
            f"{report.retrying + report.dead} changes could not be applied "
            "(see the log and /admin/dead-letters); run again after fixing the cause."
        )


def _expected_keys(session: Session) -> set[tuple[str, int]]:
    keys = set()
    for kind in kinds():
        registered = get_kind(kind)
        ids = list(registered.all_ids(session))
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            docs = registered.loader(session, chunk)
            keys.update((kind, ref_id) for ref_id, doc in docs.items() if doc is not None)
    return keys


@search_cli.command("reindex")
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    help="Seconds to wait when another process is draining the index.",
)
def reindex_command(wait: float):
    """Rebuild the whole index and the vectors for matching by meaning from the database (one writer at a time
    with the workers' drains)."""
    try:
        lock = outbox.drain_lock(wait)
    except LockBusy as busy:
        raise click.ClickException(
            f"Another process has been draining the search index for {wait:.0f} s (lock {busy}); run again later."
        ) from None
    try:
        _reindex()
    finally:
        if lock is not None:
            lock.release()


def _reindex() -> None:
    backend = get_backend()
    with Session(db.engine) as session, custom_synonyms.read_with(session):
        backend.clear()
        semantic_store.clear()
        for kind in kinds():
            ids = list(get_kind(kind).all_ids(session))
            with click.progressbar(length=len(ids), label=f"Indexing {kind}s") as bar:
                for start in range(0, len(ids), BATCH):
                    chunk = ids[start : start + BATCH]
                    outbox.apply_kind(session, backend, kind, chunk)
                    bar.update(len(chunk))
    click.echo(f"Indexed {len(backend.keys())} documents.")
    with Session(db.engine) as session, custom_synonyms.read_with(session):
        total = semantic_build.count(session)
        with click.progressbar(length=2 * total, label="Learning meaning (vectors)") as bar:
            embedded = semantic_build.rebuild(session, bar.update)
    suggest_cache.bump()
    click.echo(f"Vectors for {embedded} documents.")


@search_cli.command("recount")
def recount_command():
    """Rebuild the PostgreSQL backend's collection statistics (search_stats) from the indexed documents, after
    documents were loaded or removed in bulk SQL (`reindex` rebuilds them too)."""
    recount = getattr(get_backend(), "recount_stats", None)
    if recount is None:
        click.echo("This backend keeps no separate statistics: nothing to do.")
        return
    documents, _, _ = recount()
    suggest_cache.bump()  # every process reads them again
    click.echo(f"Statistics rebuilt from {documents} documents.")


@search_cli.command("verify")
def verify_command():
    """Report drift between the database and the index (missing or stale documents, another analyser)."""
    with Session(db.engine) as session:
        expected = _expected_keys(session)
    backend = get_backend()
    indexed = backend.keys()
    missing = sorted(expected - indexed)
    extra = sorted(indexed - expected)
    pending = outbox.pending_count()
    click.echo(f"Database: {len(expected)} searchable, index: {len(indexed)} documents, outbox: {pending} pending.")
    for kind, ref_id in missing[:20]:
        click.echo(f"missing from index: {kind} {ref_id}")
    for kind, ref_id in extra[:20]:
        click.echo(f"in index but not searchable: {kind} {ref_id}")
    if missing or extra:
        raise click.ClickException(
            f"Drift: {len(missing)} missing, {len(extra)} stale. Run `flask search sync` or `flask search reindex`."
        )
    built_with, now = backend.indexed_fingerprint(), analysis.fingerprint()
    if built_with is not None and built_with != now:
        raise click.ClickException(
            f"The index was built by another analyser (fingerprint {built_with}, this one {now}): the Russian-"
            "Ukrainian dictionary was installed or removed, or Otklik changed how it analyses text. "
            "Run `flask search reindex`."
        )
    click.echo("No drift.")
