"""Notification writes: follow and unfollow, e-mail settings, unsubscribe. Take the actor, flush, never commit."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.common.db import utcnow
from app.common.errors import DomainError, NotFound
from app.common.policy import can
from app.community.models import Topic
from app.extensions import db
from app.notify import links
from app.notify.models import AUTHOR, COMMENTER, MANUAL, NotificationSettings, Subscription
from app.notify.sql import insert_ignoring_duplicates

SETTING_FLAGS = ("email_enabled", "topic_activity", "new_topics", "digest")


def subscribe_automatically(user_id: int, topic_id: int, reason: str) -> None:
    """The author on posting a topic, a commenter on commenting. Never overrides an explicit unfollow."""
    if reason not in (AUTHOR, COMMENTER):
        raise ValueError(reason)
    _insert_subscription(user_id, topic_id, True, reason, utcnow())


def _insert_subscription(user_id: int, topic_id: int, following: bool, reason: str, now) -> None:
    """A subscription row unless the user already has one for the topic (which then stays as it is)."""
    row = {
        "topic_id": topic_id,
        "user_id": user_id,
        "is_following": following,
        "reason": reason,
        "created_at": now,
        "updated_at": now,
    }
    insert_ignoring_duplicates(db.session, Subscription.__table__, [row], ["topic_id", "user_id"])


def _set_following(user_id: int, topic_id: int, following: bool) -> None:
    now = utcnow()
    _insert_subscription(user_id, topic_id, following, MANUAL, now)
    db.session.execute(
        update(Subscription)
        .where(Subscription.topic_id == topic_id, Subscription.user_id == user_id)
        .values(is_following=following, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    # Objects already loaded in this session must not show the old value.
    for obj in db.session.identity_map.values():
        if isinstance(obj, Subscription) and obj.topic_id == topic_id and obj.user_id == user_id:
            db.session.expire(obj)


def follow_topic(user, topic: Topic) -> None:
    if not can(user, "view_topic", topic):
        raise NotFound(_l("This topic does not exist."))
    _set_following(user.id, topic.id, True)


def unfollow_topic(user, topic: Topic) -> None:
    """Also works for a topic the user can no longer see (an unsubscribe link in an old e-mail)."""
    _set_following(user.id, topic.id, False)


def _settings_row(user_id: int) -> NotificationSettings:
    row = db.session.get(NotificationSettings, user_id)
    if row is None:
        row = NotificationSettings(
            user_id=user_id, email_enabled=True, topic_activity=True, new_topics=True, digest=True
        )
        db.session.add(row)
    return row


def update_settings(user, **flags: bool) -> NotificationSettings:
    unknown = set(flags) - set(SETTING_FLAGS)
    if unknown:
        raise DomainError(_l("Unknown notification setting."))
    row = _settings_row(user.id)
    for name, value in flags.items():
        setattr(row, name, bool(value))
    db.session.flush()
    return row


def unsubscribe(user, scope: str) -> None:
    """What a signed unsubscribe link (or its one-click POST) does for `user`."""
    topic_id = links.parse_topic_scope(scope)
    if topic_id is not None:
        topic = db.session.get(Topic, topic_id)
        if topic is not None:
            unfollow_topic(user, topic)
    elif scope == links.ALL:
        update_settings(user, email_enabled=False)
    elif scope in links.SETTINGS_SCOPES:
        update_settings(user, **{scope: False})
    else:
        raise DomainError(_l("This link is not valid."))
    db.session.flush()


def move_followers(from_topic_id: int, to_topic_id: int) -> None:
    """Everyone following `from_topic_id` follows `to_topic_id` too (a merged duplicate and its original).
    Someone who explicitly stopped following the original stays unsubscribed."""
    now = utcnow()
    user_ids = db.session.scalars(
        select(Subscription.user_id).where(Subscription.topic_id == from_topic_id, Subscription.is_following.is_(True))
    ).all()
    insert_ignoring_duplicates(
        db.session,
        Subscription.__table__,
        [
            {
                "topic_id": to_topic_id,
                "user_id": user_id,
                "is_following": True,
                "reason": MANUAL,
                "created_at": now,
                "updated_at": now,
            }
            for user_id in user_ids
        ],
        ["topic_id", "user_id"],
    )
