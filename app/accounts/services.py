"""Account recovery and e-mail confirmation. Take plain data, flush, never commit; the mail is queued in the
same transaction (app.accounts.mails)."""

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.accounts import mails, tokens
from app.auth.models import User
from app.auth.passwords import hash_password, verify_password, weakness
from app.auth.services import get_user_by_email
from app.common.db import utcnow
from app.common.errors import DomainError
from app.common.permissions import CUSTOMER
from app.extensions import db

VERIFICATION_MODES = ("required", "reset-only", "off")


def verification_mode() -> str:
    return current_app.config.get("EMAIL_VERIFICATION", "reset-only")


def request_password_reset(email: str) -> None:
    """E-mail a reset link if the address belongs to an account that may sign in. An unknown address costs
    the same work (a mail is rendered and dropped), and the caller shows the same answer."""
    user = get_user_by_email(email)
    if user is not None and not user.is_blocked:
        mails.queue_password_reset(user)
        return
    stand_in = User(id=0, email=email[:254], display_name="", role=CUSTOMER, password_hash="")
    mails.password_reset_row(stand_in)  # same rendering cost, nothing queued


def user_for_reset_token(token: str) -> User | None:
    found = tokens.read(token, tokens.RESET_SALT, int(current_app.config.get("PASSWORD_RESET_MAX_AGE", 3600)))
    if found is None:
        return None
    user = db.session.get(User, found[0])
    if user is None or user.is_blocked or tokens.password_fingerprint(user) != found[1]:
        return None  # used already (the password changed), or the account is gone or disabled
    return user


def reset_password(token: str, password: str) -> User:
    user = user_for_reset_token(token)
    if user is None:
        raise DomainError(_l("This link has expired or was already used. Ask for a new one."))
    reason = weakness(password, user.email)
    if reason:
        raise DomainError(reason, field="password")
    user.password_hash = hash_password(password)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()  # the link reached this address
    revoke_other_sessions(user)
    db.session.flush()
    return user


def change_password(user: User, current: str, password: str, keep_token: str | None) -> int:
    """A signed-in person changes their password: the current one is checked (when the account has one), the
    new one must be strong, and every other sign-in and remember token of the account ends (`keep_token`: the
    browser that made the change stays signed in). Returns how many other sign-ins ended."""
    from app.auth.sessions import revoke_sessions

    if user.password_hash and not verify_password(user.password_hash, current or ""):
        raise DomainError(_l("The current password is wrong."), field="current_password")
    reason = weakness(password, user.email)
    if reason:
        raise DomainError(reason, field="password")
    user.password_hash = hash_password(password)
    ended = revoke_sessions(user, except_token=keep_token)
    db.session.flush()
    return ended


def revoke_other_sessions(user: User) -> None:
    """Sign `user` out everywhere: every sign-in and remember token (the reset is made from a browser that is
    not signed in, so there is no session to keep)."""
    from app.auth.sessions import revoke_sessions

    revoke_sessions(user)


def send_verification(user: User) -> None:
    if verification_mode() == "off" or user.email_verified_at is not None:
        return
    mails.queue_verification(user)


def verify_email(token: str) -> User:
    max_age = int(current_app.config.get("EMAIL_VERIFICATION_MAX_AGE", 7 * 24 * 3600))
    found = tokens.read(token, tokens.VERIFY_SALT, max_age)
    user = db.session.get(User, found[0]) if found else None
    if user is None or user.email != found[1]:
        raise DomainError(_l("This confirmation link is not valid or has expired. Ask for a new one."))
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        db.session.flush()
    return user


def on_registered(user: User, next_url: str | None = None, **_kwargs) -> None:
    """Registration finishes with the link in this e-mail in every mode (EMAIL_VERIFICATION=off too): the
    answer to a new address must not differ from the answer to a taken one."""
    if user.email_verified_at is None:
        mails.queue_verification(user, next_url)


def on_registration_for_taken_email(user: User, **_kwargs) -> None:
    mails.queue_registration_taken(user)
