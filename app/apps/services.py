"""The VK and Facebook apps: accept each signed launch once, sign its user in, forget a Facebook user on request.

No request, no commit: routes verify the signature (app.apps.signatures), then call these.
"""

import hashlib
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from app.apps.models import AppLaunch, DataDeletionRequest
from app.apps.signatures import SignatureError
from app.auth.models import User
from app.common.db import utcnow
from app.extensions import db
from app.identity import services as identity_services

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


def delete_facebook_data(facebook_user_id: str) -> DataDeletionRequest:
    """Facebook's data-deletion callback: forget the person's Facebook identity and record the request."""
    removed = identity_services.remove_identity("facebook", str(facebook_user_id))
    request = DataDeletionRequest(
        confirmation_code=secrets.token_hex(10), provider="facebook", status="completed", identities_removed=removed
    )
    db.session.add(request)
    db.session.flush()
    return request


def deletion_request(code: str) -> DataDeletionRequest | None:
    if not code or len(code) > 40:
        return None
    return db.session.scalar(select(DataDeletionRequest).where(DataDeletionRequest.confirmation_code == code))
