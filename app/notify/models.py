"""Notification rows: who follows which topic, what each person wants by e-mail, and the mail outbox."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.db import TimestampMixin, utcnow
from app.extensions import db

# MailMessage.status
QUEUED = "queued"  # waiting to be sent (next_attempt_at says from when)
SENDING = "sending"  # claimed by one sender (claim_token); back to queued if that sender died
SENT = "sent"  # the SMTP server accepted it (MAIL_BACKEND=outbox: it was kept in the outbox)
FAILED = "failed"  # refused for good (5xx) or out of attempts; `flask notify send --requeue-failed` retries
CANCELLED = "cancelled"  # not to be sent any more: content hidden or deleted, recipient may not see it
MAIL_STATUSES = (QUEUED, SENDING, SENT, FAILED, CANCELLED)
MAIL_STATUS_LABELS = {
    QUEUED: _l("queued"),
    SENDING: _l("sending"),
    SENT: _l("sent"),
    FAILED: _l("failed"),
    CANCELLED: _l("cancelled"),
}

# Subscription.reason
AUTHOR = "author"
COMMENTER = "commenter"
MANUAL = "manual"


class Subscription(TimestampMixin, db.Model):
    """A person follows a topic. An explicit unfollow keeps the row (is_following False), so taking part in
    the topic later does not subscribe them again."""

    __tablename__ = "topic_subscriptions"
    __table_args__ = (UniqueConstraint("topic_id", "user_id", name="uq_topic_subscriptions_topic_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    is_following: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    reason: Mapped[str] = mapped_column(String(20), default=MANUAL, nullable=False)

    user = relationship("User")
    topic = relationship("Topic")


class NotificationSettings(db.Model):
    """What one person wants by e-mail. No row means the defaults (everything on)."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    # off: no e-mail at all
    email_enabled: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    # answers, status changes and solutions in followed topics
    topic_activity: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    # staff: new topics (and topics moved) for my departments
    new_topics: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    # department leads: the daily overdue digest
    digest: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow, nullable=False)


class MailMessage(db.Model):
    """One e-mail to one recipient, queued in the transaction of the change it tells about.

    `dedup_key` names the (event, recipient) pair: the same change never queues the same person twice.
    `message_id` is fixed when queued, so a message re-sent after a crash can be recognised as the same.
    """

    __tablename__ = "mail_messages"
    __table_args__ = (Index("ix_mail_messages_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    event: Mapped[str] = mapped_column(String(40), nullable=False)
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    recipient: Mapped[str] = mapped_column(String(254), nullable=False)
    subject: Mapped[str] = mapped_column(String(300), nullable=False)
    body_text: Mapped[str] = mapped_column(Text, nullable=False)
    body_html: Mapped[str] = mapped_column(Text, nullable=False)  # rendered from our templates; user content sanitised
    message_id: Mapped[str] = mapped_column(String(255), unique=True, nullable=False)
    thread_id: Mapped[str | None] = mapped_column(String(255))  # In-Reply-To / References: one thread per topic
    unsubscribe_url: Mapped[str | None] = mapped_column(String(1000))
    # What the mail is about, re-checked just before sending (no FKs: the mail outlives what it was about).
    topic_id: Mapped[int | None] = mapped_column(Integer)
    comment_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default=QUEUED, nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    last_error: Mapped[str | None] = mapped_column(Text)
    claim_token: Mapped[str | None] = mapped_column(String(36))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    transport: Mapped[str | None] = mapped_column(String(10))  # smtp or outbox, set when sent
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    def __repr__(self) -> str:
        return f"<MailMessage {self.id} {self.event} {self.status}>"


class NotifyEvent(db.Model):
    """What one transaction did that people may hear of by e-mail (a new or moved topic, answers, a status change,
    a solution, a hand-off), written in that transaction by the receivers (app/notify/outbox.py). The
    `mail.compose` job renders one mail per recipient from it into `mail_messages` and deletes it in the same
    transaction, so the request renders nothing and a retried job queues nothing twice (the mails' dedup keys
    are derived from the payload). A row that keeps failing becomes a dead letter (`dead_at`)."""

    __tablename__ = "notify_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    payload: Mapped[list] = mapped_column(db.JSON, nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    dead_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
