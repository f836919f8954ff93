"""Signed links for account e-mails (itsdangerous).

A password-reset token carries a fingerprint of the current password hash: once the password changes the
fingerprint changes, so a token works once. A verification token carries the e-mail address it confirms.
"""

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

RESET_SALT = "otklik.accounts.password-reset"
VERIFY_SALT = "otklik.accounts.verify-email"
MAX_TOKEN_LENGTH = 500


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def password_fingerprint(user) -> str:
    """Changes whenever the password (or the e-mail) changes."""
    material = f"{user.id}:{user.email}:{user.password_hash or ''}".encode()
    return hashlib.sha256(material).hexdigest()[:24]


def reset_token(user) -> str:
    return _serializer(RESET_SALT).dumps([user.id, password_fingerprint(user)])


def verify_token(user) -> str:
    return _serializer(VERIFY_SALT).dumps([user.id, user.email])


def read(token: str, salt: str, max_age: int) -> tuple[int, str] | None:
    """(user id, second value) from a valid, unexpired token, else None."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        value = _serializer(salt).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(value, list) or len(value) != 2 or not isinstance(value[0], int) or not isinstance(value[1], str):
        return None
    return value[0], value[1]
