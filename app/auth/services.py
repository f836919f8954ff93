"""Account writes and rules. No request, no commit."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.auth.models import User
from app.auth.passwords import hash_password, spend_verify_time, verify_password, weakness
from app.common import signals
from app.common.errors import DomainError
from app.common.names import claims_staff, strip_invisible
from app.common.policy import ROLES, STAFF_ROLES
from app.extensions import db


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def clean_display_name(display_name: str, role: str, user_id: int | None = None) -> str:
    """Invisible and direction-changing characters removed; customers may not look like staff."""
    name = strip_invisible(display_name)
    if len(name) < 2:
        raise DomainError(_l("The name must be at least 2 characters long."), field="display_name")
    if role not in STAFF_ROLES:
        staff_names = db.session.scalars(
            select(User.display_name).where(User.role.in_(STAFF_ROLES), User.id != (user_id or 0))
        ).all()
        if claims_staff(name, staff_names):
            raise DomainError(
                _l("This name looks like a staff member's or the organisation's: please choose another one."),
                field="display_name",
            )
    return name


def register_user(email: str, password: str, display_name: str, role: str = "customer") -> User:
    email = normalise_email(email)
    display_name = clean_display_name(display_name, role)
    if get_user_by_email(email) is not None:
        raise DomainError(_l("An account with this e-mail already exists."), field="email")
    reason = weakness(password, email)
    if reason:
        raise DomainError(reason, field="password")
    if role not in ROLES:
        raise DomainError(_l("Unknown role."))
    user = User(email=email, password_hash=hash_password(password), display_name=display_name.strip(), role=role)
    db.session.add(user)
    db.session.flush()
    return user


def create_user_without_password(email: str, display_name: str, role: str = "customer") -> User:
    """An account that cannot log in until a password is set (imported or demo authors)."""
    email = normalise_email(email)
    if get_user_by_email(email) is not None:
        raise DomainError(_l("An account with this e-mail already exists."), field="email")
    if role not in ROLES:
        raise DomainError(_l("Unknown role."))
    user = User(email=email, password_hash=None, display_name=display_name.strip(), role=role)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The same work (one Argon2 verification) for a known and an unknown e-mail, so timing tells nothing."""
    user = get_user_by_email(email)
    if user is None:
        spend_verify_time(password)
        return None
    if not verify_password(user.password_hash, password) or user.is_blocked:
        return None
    return user


def register_or_notify(email: str, password: str, display_name: str, next_url: str | None = None) -> User | None:
    """Registration that does not tell whether the e-mail is taken. A new address gets an unconfirmed account
    and `user_registered` (whose receiver e-mails a link that confirms the address, signs in and goes on to
    `next_url`); a taken one gets None after the same hashing work and `registration_for_taken_email`, which
    e-mails the existing owner instead. Either way one e-mail goes to the address and nobody is signed in."""
    existing = get_user_by_email(email)
    clean_display_name(display_name, "customer")
    if existing is None:
        user = register_user(email, password, display_name)
        signals.user_registered.send(user, next_url=next_url)
        return user
    reason = weakness(password, normalise_email(email))
    if reason:
        raise DomainError(reason, field="password")
    hash_password(password)  # the same cost as creating the account
    signals.registration_for_taken_email.send(existing)
    return None


def update_settings(user: User, display_name: str, locale: str | None, timezone: str | None = None) -> User:
    user.display_name = clean_display_name(display_name, user.role, user.id)
    user.locale = locale or None
    user.timezone = timezone or None
    return user


def set_locale(user: User, locale: str) -> User:
    user.locale = locale
    return user


def set_role(actor: User, user: User, role: str) -> User:
    if role not in ROLES:
        raise DomainError(_l("Unknown role."))
    if actor.id == user.id and role != user.role:
        raise DomainError(_l("You cannot change your own role."))
    user.role = role
    return user
