"""`flask learning settle`: turn suggestions followed without posting into votes (run every few minutes)."""

import click
from flask.cli import with_appcontext

from app.extensions import db
from app.learning import services


@click.group("learning", help="Phrasings learnt from customers' choices.")
def learning_cli():
    pass


@learning_cli.command("settle")
@with_appcontext
def settle_command():
    """Count the clicks on suggestions whose draft was not posted within PHRASINGS_SETTLE_MINUTES."""
    added = services.settle()
    db.session.commit()
    click.echo(f"{added} votes counted.")
