from datetime import datetime

from sqlalchemy import Boolean, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column
from flask_login import UserMixin

from app.common.db import TimestampMixin
from app.common.permissions import ADMIN, CUSTOMER, MODERATOR, STAFF_ROLES
from app.extensions import db


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(80), nullable=False)
    role: Mapped[str] = mapped_column(String(20), default=CUSTOMER, nullable=False)
    locale: Mapped[str | None] = mapped_column(String(8))
    is_blocked: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    # When the person followed a confirmation link (or a password-reset link) sent to `email`.
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    # A moderator's block: the person reads but may not post, comment, vote or upload until
    # posting_blocked_until (None: until unblocked). Different from is_blocked (the account cannot sign in).
    posting_blocked_at: Mapped[datetime | None] = mapped_column(DateTime)
    posting_blocked_until: Mapped[datetime | None] = mapped_column(DateTime)
    posting_block_reason: Mapped[str | None] = mapped_column(String(500))

    # departments: list[Department] is added by app.staff.models (backref).

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
