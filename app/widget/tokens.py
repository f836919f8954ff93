"""The widget's credentials: signed with the app's SECRET_KEY (itsdangerous), each for one purpose.

- post token ("widget-post", 30 minutes): handed by the sign-in popup to the panel, sent back as
  `Authorization: Bearer <token>`; bound to the user id and the user's session generation (if the account
  model has one, signing out everywhere then invalidates it) and to the channel its topics get;
- its CSRF token: an HMAC of the post token, sent as `X-Widget-CSRF` on every JSON POST;
- panel token ("widget-panel", 2 hours): issued with the anonymous panel page; gates its analytics events.
"""

import hashlib
import hmac

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.community import kinds

POST_PURPOSE = "widget-post"
PANEL_PURPOSE = "widget-panel"
POST_MAX_AGE = 30 * 60
PANEL_MAX_AGE = 2 * 60 * 60


class TokenError(Exception):
    """The token is missing, forged, expired or made for another purpose."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"otklik.{purpose}")


def session_generation(user) -> int:
    """The user's session generation: a counter that "sign out everywhere" raises (0 while the model has none)."""
    return int(getattr(user, "session_generation", 0) or 0)


def issue_post_token(user, channel: str = kinds.WIDGET) -> str:
    """The credential to post from a panel: the topic gets `channel` (the widget; the VK or Facebook app)."""
    return _serializer(POST_PURPOSE).dumps(
        {"uid": user.id, "gen": session_generation(user), "ch": channel, "p": POST_PURPOSE}
    )


def read_post_token(token) -> tuple[int, int, str]:
    """(user id, session generation, channel) of a valid post token; TokenError otherwise."""
    user_id, generation, channel = _read(token, POST_PURPOSE, POST_MAX_AGE, ("uid", "gen", "ch"))
    if channel not in kinds.CHANNELS:
        raise TokenError("invalid")
    return user_id, generation, channel


def csrf_for(token: str) -> str:
    key = hashlib.sha256(current_app.config["SECRET_KEY"].encode() + b"/widget-csrf").digest()
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def csrf_matches(token: str, csrf) -> bool:
    return isinstance(csrf, str) and hmac.compare_digest(csrf_for(token), csrf)


def issue_panel_token(draft_id: str, channel: str = kinds.WIDGET) -> str:
    return _serializer(PANEL_PURPOSE).dumps({"draft": draft_id, "ch": channel, "p": PANEL_PURPOSE})


def read_panel_token(token) -> tuple[str, str]:
    """(draft id, channel) the panel token was issued for; TokenError otherwise."""
    draft, channel = _read(token, PANEL_PURPOSE, PANEL_MAX_AGE, ("draft", "ch"))
    if channel not in kinds.CHANNELS:
        raise TokenError("invalid")
    return draft, channel


def _read(token, purpose: str, max_age: int, keys: tuple[str, ...]) -> tuple:
    if not isinstance(token, str) or not token or len(token) > 500:
        raise TokenError("missing")
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise TokenError("expired") from None
    except BadSignature:
        raise TokenError("invalid") from None
    if not isinstance(data, dict) or data.get("p") != purpose or any(key not in data for key in keys):
        raise TokenError("invalid")
    return tuple(data[key] for key in keys)
