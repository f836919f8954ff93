"""Account e-mails (password reset, address confirmation, 'someone tried to register with your address'),
rendered in the recipient's language and queued in the notify outbox with the change that caused them; sent
(MAIL_SEND=inline) once the answer has left, so the mail server's speed does not tell whether an address is
registered."""

import uuid

from flask_babel import gettext as _

from app.accounts import tokens
from app.notify import links
from app.notify.receivers import queue_mail_now
from app.notify.render import render_mail

PASSWORD_RESET = "password_reset"
VERIFY_EMAIL = "verify_email"
REGISTRATION_TAKEN = "registration_taken"


def _row(user, event: str, subject, **context) -> dict:
    row = render_mail(user, f"account_{event}", links.ALL, subject, **context)
    row.update(event=event, unsubscribe_url=None, dedup_key=f"{event}:{user.id}:{uuid.uuid4().hex}")
    return row


def password_reset_row(user) -> dict:
    url = links.public_url("accounts.reset_password", token=tokens.reset_token(user))
    return _row(user, PASSWORD_RESET, lambda: _("Reset your password"), action_url=url)


def queue_password_reset(user) -> None:
    queue_mail_now([password_reset_row(user)], after_response=True)


def queue_verification(user, next_url: str | None = None) -> None:
    extra = {"next": next_url} if next_url else {}
    url = links.public_url("accounts.verify_email", token=tokens.verify_token(user), **extra)
    queue_mail_now(
        [_row(user, VERIFY_EMAIL, lambda: _("Confirm your e-mail address"), action_url=url)], after_response=True
    )


def queue_registration_taken(user) -> None:
    url = links.public_url("accounts.forgot_password")
    queue_mail_now(
        [_row(user, REGISTRATION_TAKEN, lambda: _("Someone tried to register with your address"), action_url=url)],
        after_response=True,
    )
