import click
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db


@click.command("demo")
@with_appcontext
def demo_command():
    """Load the demo bank community (idempotent; refused in production)."""
    if not current_app.config.get("DEMO_ALLOWED"):
        raise click.ClickException("The demo community is not loaded in production mode.")
    from app.demo.loader import load_demo

    summary = load_demo()
    db.session.commit()
    click.echo(f"Demo community ready: {summary}")
