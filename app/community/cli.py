"""flask community recount"""

import click
from flask.cli import AppGroup

from app.community import counts
from app.extensions import db

community_cli = AppGroup("community", help="Topics and their lists.")


@community_cli.command("recount")
@click.option("--check", is_flag=True, help="Only compare the kept list counts with a fresh count.")
def recount_command(check: bool):
    """Rebuild the list counts (topic_list_counts) from the topics, e.g. after a bulk SQL load of topics."""
    if check:
        differ = [staff for staff in (False, True) if sorted(counts.rows(staff)) != sorted(counts.fresh_rows(staff))]
        if differ:
            raise click.ClickException("The kept list counts differ from a fresh count: run `flask community recount`.")
        click.echo("The kept list counts equal a fresh count.")
        return
    rows = counts.recount(db.session)
    db.session.commit()
    click.echo(f"List counts rebuilt: {rows} rows.")
