"""The VK and Facebook apps: accept each signed launch once, sign its user in, forget a Facebook user on request.

No request, no commit: routes verify the signature (app.apps.signatures), then call these.
"""
import hashlib
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, select

from app.apps.models import AppLaunch, DataDeletionRequest
from app.apps.signatures import SignatureError
from app.auth.models import User
from app.common.db import utcnow
from app.common.errors import DomainError
from app.extensions import db
from app.identity import services as identity_services

FRAME_TOKEN_SALT = "otklik.apps.frame-session"
FRAME_TOKEN_MAX_AGE = 30 * 60
PROVIDER_NAMES = {"vk": _l("VK user"), "facebook": _l("Facebook user")}


def accept_launch_once(signed: str, keep_seconds: int) -> None:
    """Refuse a launch seen before (a replay); remember this one for `keep_seconds` (its freshness window)."""
    digest = hashlib.sha256(signed.encode("utf-8")).hexdigest()
    now = utcnow()
    db.session.execute(delete(AppLaunch).where(AppLaunch.expires_at < now))
    if db.session.scalar(select(AppLaunch.id).where(AppLaunch.digest == digest)) is not None:
        raise SignatureError(_l("This link to the app was already used. Open the app again."))
    db.session.add(AppLaunch(digest=digest, expires_at=now + timedelta(seconds=max(keep_seconds, 3600))))
    db.session.flush()


def enter_app(provider: str, subject: str, name: str = "") -> User:
    """The user behind a verified app launch: their linked identity's user, created on the first visit."""
    profile = identity_services.Profile(provider, str(subject), name or f"{PROVIDER_NAMES[provider]} {subject}")
    return identity_services.sign_in_with(profile)


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=FRAME_TOKEN_SALT)


def frame_token(secret_key: str, user: User, channel: str) -> str:
    """A token the framed page carries instead of a cookie (third-party cookies are blocked in frames)."""
    return _serializer(secret_key).dumps({"u": user.id, "c": channel})


def read_frame_token(secret_key: str, token: str) -> tuple[User, str]:
    try:
        data = _serializer(secret_key).loads(token or "", max_age=FRAME_TOKEN_MAX_AGE)
    except SignatureExpired:
        raise DomainError(_l("Your session in the app has expired. Open the app again.")) from None
    except BadSignature:
        raise DomainError(_l("Open the app again: this page is not signed in.")) from None
    user = db.session.get(User, int(data.get("u", 0))) if isinstance(data, dict) else None
    if user is None or user.is_blocked or data.get("c") not in PROVIDER_NAMES:
        raise DomainError(_l("Open the app again: this page is not signed in."))
    return user, data["c"]


def delete_facebook_data(facebook_user_id: str) -> DataDeletionRequest:
    """Facebook's data-deletion callback: forget the person's Facebook identity and record the request."""
    removed = identity_services.remove_identity("facebook", str(facebook_user_id))
    request = DataDeletionRequest(confirmation_code=secrets.token_hex(10), provider="facebook",
                                  status="completed", identities_removed=removed)
    db.session.add(request)
    db.session.flush()
    return request


def deletion_request(code: str) -> DataDeletionRequest | None:
    if not code or len(code) > 40:
        return None
    return db.session.scalar(select(DataDeletionRequest).where(DataDeletionRequest.confirmation_code == code))
