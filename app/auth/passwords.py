"""Password hashing (Argon2id) and strength rules."""

import contextlib
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context


@lru_cache(maxsize=4)
def _hasher_for(time_cost: int, memory_cost: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)


def _hasher() -> PasswordHasher:
    """Argon2id with the library's defaults; tests configure cheaper parameters (ARGON2_COST)."""
    cost = current_app.config.get("ARGON2_COST") if has_app_context() else None
    if cost:
        return _hasher_for(*cost)
    return _hasher_for(3, 65536)


MIN_LENGTH = 10
_COMMON = frozenset(
    {
        "password",
        "password1",
        "1234567890",
        "qwertyuiop",
        "0987654321",
        "1111111111",
        "iloveyou12",
        "qwerty1234",
        "password12",
        "1q2w3e4r5t",
        "abcdefghij",
        "letmein123",
    }
)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


@lru_cache(maxsize=4)
def _dummy_hash_for(hasher: PasswordHasher) -> str:
    return hasher.hash("otklik-dummy-password-never-matches")


def spend_verify_time(password: str) -> None:
    """Verify `password` against a dummy hash with the same Argon2 parameters and throw the answer away:
    an unknown e-mail (or an account without a password) costs what a known one costs."""
    hasher = _hasher()
    with contextlib.suppress(VerificationError, InvalidHashError):
        hasher.verify(_dummy_hash_for(hasher), password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        spend_verify_time(password)
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def weakness(password: str, email: str = "") -> str | None:
    """Return a reason the password is too weak, or None."""
    from flask_babel import gettext as _

    if len(password) < MIN_LENGTH:
        return _("Use at least %(n)d characters.", n=MIN_LENGTH)
    lowered = password.lower()
    if lowered in _COMMON or len(set(lowered)) < 4:
        return _("This password is too easy to guess.")
    local = email.split("@")[0].lower()
    if local and len(local) >= 4 and local in lowered:
        return _("The password must not contain your e-mail address.")
    return None
