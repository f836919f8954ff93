"""Reads: who follows what, what each person wants by e-mail, the outbox for admins."""

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select

from app.auth.models import User
from app.extensions import db
from app.notify.models import MAIL_STATUSES, MailMessage, NotificationSettings, Subscription


def is_following(user, topic) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(
        db.session.scalar(
            select(Subscription.is_following).where(Subscription.topic_id == topic.id, Subscription.user_id == user.id)
        )
    )


def followers(session, topic_id: int) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .join(Subscription, Subscription.user_id == User.id)
            .where(Subscription.topic_id == topic_id, Subscription.is_following.is_(True))
            .order_by(User.id)
        )
    )


def followers_with_settings(session, topic_id: int) -> list[tuple[User, NotificationSettings]]:
    """The topic's followers with their settings (the defaults for those without a row), in one query."""
    rows = session.execute(
        select(User, NotificationSettings)
        .join(Subscription, Subscription.user_id == User.id)
        .outerjoin(NotificationSettings, NotificationSettings.user_id == User.id)
        .where(Subscription.topic_id == topic_id, Subscription.is_following.is_(True))
        .order_by(User.id)
    )
    return [(user, settings or default_settings(user.id)) for user, settings in rows]


def settings_for(session, user_ids) -> dict[int, NotificationSettings]:
    """Settings of each user id; users without a row get the defaults (an unsaved object)."""
    ids = sorted(set(user_ids))
    found = (
        {
            s.user_id: s
            for s in session.scalars(select(NotificationSettings).where(NotificationSettings.user_id.in_(ids)))
        }
        if ids
        else {}
    )
    return {uid: found.get(uid) or default_settings(uid) for uid in ids}


def default_settings(user_id: int) -> NotificationSettings:
    return NotificationSettings(user_id=user_id, email_enabled=True, topic_activity=True, new_topics=True, digest=True)


def settings_of(user) -> NotificationSettings:
    return settings_for(db.session, [user.id])[user.id]


def outbox_page(page: int, per_page: int = 50, status: str | None = None) -> Pagination:
    stmt = select(MailMessage).order_by(MailMessage.id.desc())
    if status in MAIL_STATUSES:
        stmt = stmt.where(MailMessage.status == status)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def outbox_counts() -> dict[str, int]:
    rows = db.session.execute(select(MailMessage.status, func.count()).group_by(MailMessage.status))
    counts = dict.fromkeys(MAIL_STATUSES, 0)
    counts.update(dict(rows.all()))
    return counts
