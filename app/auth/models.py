from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.common.db import TimestampMixin, utcnow
from app.common.policy import ADMIN, CUSTOMER, MODERATOR, STAFF_ROLES
from app.extensions import db


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(80), nullable=False)
    role: Mapped[str] = mapped_column(String(20), default=CUSTOMER, nullable=False)
    locale: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str | None] = mapped_column(String(64))  # IANA name; None: the community's time zone
    is_blocked: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    # When the person followed a confirmation link (or a password-reset link) sent to `email`.
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    # A moderator's block: the person reads but may not post, comment, vote or upload until
    # posting_blocked_until (None: until unblocked). Different from is_blocked (the account cannot sign in).
    posting_blocked_at: Mapped[datetime | None] = mapped_column(DateTime)
    posting_blocked_until: Mapped[datetime | None] = mapped_column(DateTime)
    posting_block_reason: Mapped[str | None] = mapped_column(String(500))

    # departments: list[Department] is added by app.staff.models (backref).

    # The sign-in this object was loaded for (app/auth/sessions.py): what Flask-Login keeps in the session and
    # the remember cookie instead of the user's id (login_manager.id_attribute), so that a revoked sign-in is
    # useless everywhere. get_id() and equality stay the user's id.
    session_token = None

    def get_session_token(self):
        return self.session_token

    @property
    def is_active(self) -> bool:  # flask-login
        return not self.is_blocked

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def is_moderator(self) -> bool:
        return self.role in (MODERATOR, ADMIN)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class UserSession(db.Model):
    """One sign-in (a browser). Only a hash of its token is stored; deleting the row signs that browser out,
    including its remember-me cookie."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    user_agent: Mapped[str | None] = mapped_column(String(200))

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id}>"
