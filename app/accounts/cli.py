"""`flask users create-admin EMAIL` and `flask users set-role EMAIL ROLE`: the first administrator of a
production install, and role changes from the server's shell."""

import os
import sys

import click
from flask.cli import AppGroup

from app.auth.models import User
from app.auth.passwords import hash_password, weakness
from app.auth.services import get_user_by_email, normalise_email, register_user
from app.common.db import utcnow
from app.common.errors import DomainError
from app.common.permissions import ADMIN, ROLES
from app.extensions import db

users_cli = AppGroup("users", help="Create the first administrator, change roles.")
PASSWORD_ENV = "OTKLIK_ADMIN_PASSWORD"


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_cli.command("create-admin")
@click.argument("email")
@click.option("--name", default="Administrator", show_default=True, help="Display name.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help=f"Read the password from the first line of standard input (else ${PASSWORD_ENV}, else a prompt).",
)
def create_admin(email: str, name: str, password_stdin: bool) -> None:
    """Create an administrator EMAIL, or make the existing account EMAIL an administrator with this password."""
    password = _read_password(password_stdin)
    reason = weakness(password, normalise_email(email))
    if reason:
        raise click.ClickException(str(reason))
    user = get_user_by_email(email)
    try:
        if user is None:
            user = register_user(email, password, name, role=ADMIN)
        else:
            user.role, user.password_hash = ADMIN, hash_password(password)
    except DomainError as error:
        raise click.ClickException(str(error.message)) from error
    user.email_verified_at = user.email_verified_at or utcnow()
    db.session.commit()
    click.echo(f"{user.email} is an administrator (user {user.id}).")


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
def set_role(email: str, role: str) -> None:
    """Give the account EMAIL the role ROLE."""
    user: User | None = get_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account with the e-mail {email}.")
    user.role = role
    db.session.commit()
    click.echo(f"{user.email} is now {role}.")
