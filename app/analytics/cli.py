"""`flask analytics`: flush counted page views, keep the roll-ups (rollup, sweep, rebuild), mood alerts, export
the dashboard's tables, purge old raw visits. The periodic ones call app/analytics/periodic.py."""

from datetime import date, timedelta
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import delete

from app.analytics import csv_export, periodic, rollups, visits
from app.analytics.models import PageView, VisitorDay
from app.analytics.periods import Period
from app.common.db import utcnow
from app.extensions import db


@click.group("analytics", help="Visits, reports and exports.")
def analytics_cli():
    pass


@analytics_cli.command("flush")
@with_appcontext
def flush_command():
    """Write the page views waiting in the buffer and roll them up."""
    total = 0
    while written := visits.flush():
        total += written
    click.echo(f"{total} page views written.")


@analytics_cli.command("alerts")
@with_appcontext
def alerts_command():
    """Check the mood of every category and e-mail the leads about sharp rises of the upset share (once)."""
    click.echo(f"{periodic.mood_alerts(utcnow())} mood alerts raised.")


@analytics_cli.command("rollup")
@with_appcontext
def rollup_command():
    """Rebuild the roll-ups of the days changed since the last run (the rollup outbox)."""
    click.echo(f"{periodic.rollup_pending()} days rebuilt.")


@analytics_cli.command("sweep")
@with_appcontext
def sweep_command():
    """Nightly: the rollup outbox, then yesterday and today rebuilt from the raw rows."""
    click.echo(f"{periodic.sweep(utcnow())} days rebuilt.")


@analytics_cli.command("rebuild")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None, help="first day (default: the first data)")
@click.option(
    "--until", type=click.DateTime(["%Y-%m-%d"]), default=None, help="last day (default: today, or the last data)"
)
@with_appcontext
def rebuild_command(since, until):
    """Rebuild the roll-ups from the raw rows, day by day (idempotent)."""
    span = rollups.data_span()
    if span is None and not since:
        click.echo("Nothing to roll up.")
        return
    first = since.date() if since else span[0]
    last = until.date() if until else max(utcnow().date(), span[1] if span else utcnow().date())
    if last < first:
        raise click.BadParameter("--until is before --since")
    days = (last - first).days + 1
    with click.progressbar(length=days, label="Rolling up", show_pos=True) as bar:
        periodic.rebuild(first, last, lambda _day: bar.update(1))
    click.echo(f"{days} days rebuilt ({first.isoformat()} .. {last.isoformat()}).")


@analytics_cli.command("export")
@click.option("--from", "start", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--to", "end", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--out", "out", default=".", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def export_command(start, end, out: Path):
    """Write every dashboard table for the period as CSV files (UTF-8 with BOM) into --out."""
    if end < start:
        raise click.BadParameter("--to is before --from")
    period = Period(start.date(), end.date())
    out.mkdir(parents=True, exist_ok=True)
    for name, table in csv_export.TABLES.items():
        path = out / f"otklik-{name}-{period.start.isoformat()}-{period.end.isoformat()}.csv"
        path.write_bytes(table(period, None).encode("utf-8"))
        click.echo(str(path))


@analytics_cli.command("purge")
@click.option("--days", type=int, default=None, help="keep this many days of raw visits (ANALYTICS_RAW_DAYS)")
@with_appcontext
def purge_command(days):
    """Delete raw page views (and per-visitor days) older than the retention period; roll-ups stay."""
    from flask import current_app

    keep = days if days is not None else current_app.config["ANALYTICS_RAW_DAYS"]
    cutoff: date = utcnow().date() - timedelta(days=keep)
    views = db.session.execute(delete(PageView).where(PageView.day < cutoff)).rowcount
    db.session.execute(delete(VisitorDay).where(VisitorDay.day < cutoff))
    db.session.commit()
    click.echo(f"{views} raw page views older than {cutoff.isoformat()} deleted.")
