"""flask staff backfill | overdue"""

import click
from flask.cli import AppGroup

from app.extensions import db
from app.staff import queries, sla
from app.staff.models import Department

staff_cli = AppGroup("staff", help="Departments at work: response clocks and overdue topics.")


@staff_cli.command("backfill")
def backfill_command():
    """Start the response clock of topics posted before the staff workflow existed (from their history)."""
    created = sla.backfill()
    db.session.commit()
    click.echo(f"Response clocks created for {created} topics.")


@staff_cli.command("overdue")
def overdue_command():
    """List the overdue topics of every department."""
    for department in db.session.scalars(db.select(Department).order_by(Department.name)):
        works = queries.overdue_topics(department.id)
        click.echo(f"{department.name}: {len(works)}")
        for work in works:
            click.echo(f"  #{work.topic_id} {work.topic.title} (waiting since {work.waiting_since:%Y-%m-%d %H:%M} UTC)")
