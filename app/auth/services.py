"""Account writes and rules. No request, no commit."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.auth.models import User
from app.auth.passwords import hash_password, verify_password, weakness
from app.common.errors import DomainError
from app.common.permissions import ROLES
from app.extensions import db


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def register_user(email: str, password: str, display_name: str, role: str = "customer") -> User:
    email = normalise_email(email)
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
    user = get_user_by_email(email)
    if user is None or user.is_blocked or not verify_password(user.password_hash, password):
        return None
    return user


def update_settings(user: User, display_name: str, locale: str | None, timezone: str | None = None) -> User:
    user.display_name = display_name.strip()
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
