"""`flask notify send` drains the mail queue; `flask notify digest` queues (and sends) the overdue digest."""

import click
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from app.extensions import db
from app.notify import outbox, queries, sender


@click.group("notify", help="E-mail notifications.")
def notify_cli():
    pass


def _echo_report(report) -> None:
    click.echo(
        f"sent {report.sent}, retrying later {report.retrying}, failed {report.failed}, "
        f"cancelled {report.cancelled}, released stale claims {report.released}"
    )
    if report.stopped:
        click.echo(f"stopped early, the mail server could not be reached: {report.stopped}", err=True)


@notify_cli.command("send")
@click.option("--retry-now", is_flag=True, help="Also send messages still waiting for their retry time.")
@click.option("--requeue-failed", is_flag=True, help="Queue failed messages again (attempts reset) first.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Send at most this many messages.")
@with_appcontext
def send_command(retry_now: bool, requeue_failed: bool, limit: int | None):
    """Compose and send queued e-mail (run it from cron every minute or so; safe to run concurrently)."""
    if requeue_failed:
        with Session(db.engine) as session:
            click.echo(f"queued again {sender.requeue_failed(session)} failed messages")
    composed, queued = outbox.compose_due()
    if composed:
        click.echo(f"composed {composed} events into {queued} e-mails")
    report = sender.send_queued(retry_now=retry_now, limit=limit)
    _echo_report(report)
    if report.stopped:
        raise SystemExit(1)


@notify_cli.command("digest")
@click.option("--send/--no-send", default=True, help="Send right away (default) or leave it to `notify send`.")
@with_appcontext
def digest_command(send: bool):
    """Queue today's overdue digest for department leads (once a day; a second run the same day adds nothing)."""
    from app.notify.digest import queue_digests

    keys = queue_digests()
    db.session.commit()
    click.echo(f"queued {len(keys)} new digests")
    if send and keys:
        _echo_report(sender.send_queued(keys=keys))


@notify_cli.command("status")
@with_appcontext
def status_command():
    """How many messages are in each state."""
    for status, count in queries.outbox_counts().items():
        click.echo(f"{status}: {count}")
