from sqlalchemy import Boolean, String
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
    timezone: Mapped[str | None] = mapped_column(String(64))  # IANA name; None: the community's time zone
    is_blocked: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

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
