"""Identities: sign-in through a provider, linking and unlinking. Services take the actor; no request, no commit."""

import secrets
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.auth import services as auth_services
from app.auth.models import User
from app.common.db import utcnow
from app.common.errors import DomainError, Forbidden
from app.extensions import db
from app.identity.models import Identity
from app.notify import services as notify_services


@dataclass(frozen=True)
class Profile:
    """What a provider told us about the person. `email` counts only with `email_verified`."""

    provider: str
    subject: str
    name: str = ""
    email: str = ""
    email_verified: bool = False


class EmailBelongsToAccount(DomainError):
    """The provider's verified e-mail is that of an existing account: its owner must sign in to link it."""

    status_code = 409


def find_identity(provider: str, subject: str) -> Identity | None:
    return db.session.scalar(select(Identity).where(Identity.provider == provider, Identity.subject == subject))


def _placeholder_email(provider: str) -> str:
    return f"{provider}-{secrets.token_hex(8)}@users.invalid"


def _new_user(profile: Profile) -> User:
    email = profile.email if profile.email and profile.email_verified else ""
    name = (profile.name or "").strip()[:80] or str(_l("Guest"))
    if len(name) < 2:
        name = f"{name} ({profile.provider})"
    user = auth_services.create_user_without_password(email or _placeholder_email(profile.provider), name)
    if not email:
        notify_services.update_settings(user, email_enabled=False)  # there is no mailbox to write to
    return user


def _attach(user: User, profile: Profile) -> Identity:
    identity = Identity(user=user, provider=profile.provider, subject=profile.subject)
    _refresh(identity, profile)
    db.session.add(identity)
    db.session.flush()
    return identity


def _refresh(identity: Identity, profile: Profile) -> None:
    identity.email = profile.email[:254] or None
    identity.is_email_verified = bool(profile.email and profile.email_verified)
    identity.display_name = (profile.name or "")[:120] or None
    identity.last_used_at = utcnow()


def sign_in_with(profile: Profile) -> User:
    """The user this provider account signs in as, created on the first visit (no password, e-mail optional).

    A new provider account is never attached to an existing account by e-mail: when the provider vouches for an
    e-mail that an account already has, EmailBelongsToAccount is raised and that account's owner must sign in
    and confirm the link (link_identity). An unverified e-mail is kept on the identity but never used to match.
    """
    if not profile.subject:
        raise DomainError(_l("The provider did not say who you are."))
    identity = find_identity(profile.provider, profile.subject)
    if identity is not None:
        if identity.user.is_blocked:
            raise Forbidden(_l("This account is blocked."))
        _refresh(identity, profile)
        return identity.user
    if profile.email and profile.email_verified and auth_services.get_user_by_email(profile.email) is not None:
        raise EmailBelongsToAccount(
            _l(
                "An account with the e-mail %(email)s already exists. Sign in to it, and then confirm the link.",
                email=profile.email,
            )
        )
    user = _new_user(profile)
    _attach(user, profile)
    return user


def link_identity(actor: User, profile: Profile) -> Identity:
    """Attach a provider account to the signed-in `actor` (who proved both by signing in to each)."""
    identity = find_identity(profile.provider, profile.subject)
    if identity is not None:
        if identity.user_id == actor.id:
            _refresh(identity, profile)
            return identity
        raise DomainError(_l("This account is already linked to another user."), field="provider")
    if (
        db.session.scalar(
            select(Identity.id).where(Identity.user_id == actor.id, Identity.provider == profile.provider)
        )
        is not None
    ):
        raise DomainError(_l("Unlink your current account at this provider first."), field="provider")
    return _attach(actor, profile)


def identities_of(user: User) -> list[Identity]:
    return list(db.session.scalars(select(Identity).where(Identity.user_id == user.id).order_by(Identity.provider)))


def unlink_identity(actor: User, identity_id: int) -> None:
    identity = db.session.get(Identity, identity_id)
    if identity is None or identity.user_id != actor.id:
        raise DomainError(_l("This sign-in method is not linked to your account."))
    count = db.session.scalar(select(func.count(Identity.id)).where(Identity.user_id == actor.id))
    if not actor.password_hash and count <= 1:
        raise DomainError(_l("This is your only way to sign in: set a password or link another account first."))
    db.session.delete(identity)
    db.session.flush()


def remove_identity(provider: str, subject: str) -> int:
    """Forget a provider account (the provider asked us to delete its data). Returns how many were removed.

    The identity row goes; its user stays (their posts are community content), and a user who had no other way
    to sign in loses the provider's name and e-mail too.
    """
    identity = find_identity(provider, subject)
    if identity is None:
        return 0
    user = identity.user
    db.session.delete(identity)
    db.session.flush()
    others = db.session.scalar(select(func.count(Identity.id)).where(Identity.user_id == user.id))
    if not others and not user.password_hash:
        user.display_name = str(_l("Former %(provider)s user", provider=provider.title()))[:80]
        user.email = _placeholder_email("deleted")
    return 1
