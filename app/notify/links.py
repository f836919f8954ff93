"""Absolute links for e-mails (built from PUBLIC_URL, with or without a request) and signed unsubscribe tokens."""

from urllib.parse import urlsplit

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

_SALT = "otklik.notify.unsubscribe"

# What an unsubscribe link stops. "topic:<id>" stops e-mails about one topic (unfollows it).
TOPIC_ACTIVITY = "topic_activity"
NEW_TOPICS = "new_topics"
DIGEST = "digest"
ALL = "all"
SETTINGS_SCOPES = (TOPIC_ACTIVITY, NEW_TOPICS, DIGEST)


def public_url(endpoint: str, **values) -> str:
    """url_for(..., _external=True) against PUBLIC_URL: e-mails are rendered in CLI commands and after
    commit too, where no request tells the host, and behind a proxy the request's host may be internal."""
    base = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path.rstrip("/") or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def mail_domain() -> str:
    """The domain of the sender address, used for Message-IDs."""
    sender = current_app.config.get("MAIL_FROM") or ""
    return sender.rpartition("@")[2].strip(" >") or "localhost"


def topic_scope(topic_id: int) -> str:
    return f"topic:{topic_id}"


def parse_topic_scope(scope: str) -> int | None:
    prefix, _, value = scope.partition(":")
    return int(value) if prefix == "topic" and value.isdigit() and len(value) < 10 else None


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def unsubscribe_token(user_id: int, scope: str) -> str:
    """Signed, not timed: an unsubscribe link keeps working as long as the e-mail is kept."""
    return _serializer().dumps([user_id, scope])


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    if not token or len(token) > 500:
        return None
    try:
        value = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(value, list) or len(value) != 2 or not isinstance(value[0], int) or not isinstance(value[1], str):
        return None
    user_id, scope = value
    if scope not in (*SETTINGS_SCOPES, ALL) and parse_topic_scope(scope) is None:
        return None
    return user_id, scope


def unsubscribe_url(user_id: int, scope: str) -> str:
    return public_url("notify.unsubscribe", token=unsubscribe_token(user_id, scope))
