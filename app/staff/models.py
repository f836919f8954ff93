"""Departments, their representatives and leads, and the work on topics: assignment, hand-offs,
response targets, internal notes."""

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.db import TimestampMixin, utcnow
from app.extensions import db
from app.staff import hours

# Membership of a representative in a department; `is_lead` marks the department's leads, who assign
# topics, hand them to other departments and change the department's working hours and targets.
# `User.departments` / `Department.members` keep using this table as a plain secondary: new rows get
# is_lead false, and rows that stay keep their flag.
department_members = Table(
    "department_members",
    db.metadata,
    Column("department_id", Integer, ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("is_lead", Boolean, default=False, server_default=false(), nullable=False),
)

DEFAULT_TIME_ZONE = "UTC"
DEFAULT_WORKING_DAYS = "12345"  # ISO weekdays: Monday to Friday
DEFAULT_OPEN_MINUTE = 9 * 60
DEFAULT_CLOSE_MINUTE = 18 * 60
DEFAULT_FIRST_RESPONSE_HOURS = 6
DEFAULT_RESOLUTION_HOURS = 40


class Department(TimestampMixin, db.Model):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True, nullable=False)
    description: Mapped[str] = mapped_column(Text, default="", nullable=False)
    # Working hours: an IANA zone, the ISO weekdays worked ("12345"), one window in local minutes (0..1440).
    time_zone: Mapped[str] = mapped_column(
        String(64), default=DEFAULT_TIME_ZONE, server_default=DEFAULT_TIME_ZONE, nullable=False
    )
    working_days: Mapped[str] = mapped_column(
        String(7), default=DEFAULT_WORKING_DAYS, server_default=DEFAULT_WORKING_DAYS, nullable=False
    )
    open_minute: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_OPEN_MINUTE, server_default=str(DEFAULT_OPEN_MINUTE), nullable=False
    )
    close_minute: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_CLOSE_MINUTE, server_default=str(DEFAULT_CLOSE_MINUTE), nullable=False
    )
    # Targets in working hours: the first official answer, and the solution (None: no target).
    first_response_hours: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_FIRST_RESPONSE_HOURS, server_default=str(DEFAULT_FIRST_RESPONSE_HOURS), nullable=False
    )
    resolution_hours: Mapped[int | None] = mapped_column(Integer, default=DEFAULT_RESOLUTION_HOURS)

    members = relationship("User", secondary=department_members, backref="departments", order_by="User.display_name")

    @property
    def day_numbers(self) -> frozenset:
        return frozenset(int(c) for c in (self.working_days or "") if c in "1234567")

    @property
    def calendar(self) -> hours.Calendar:
        return hours.Calendar.of(self.time_zone, self.day_numbers, self.open_minute, self.close_minute)

    def __repr__(self) -> str:
        return f"<Department {self.id} {self.name}>"


class TopicWork(TimestampMixin, db.Model):
    """The support side of one topic: who works on it, when the customer started waiting, the targets
    and when they were met. Created when the topic is (signal topic_created)."""

    __tablename__ = "topic_work_items"
    __table_args__ = (
        Index("ix_topic_work_items_open", "resolved_at", "waiting_since"),
        # The open backlog in queue order, whatever the history: the queue pages walk it without a sort, and at
        # 1,000,000 resolved topics PostgreSQL stops planning a parallel scan of the whole table for them.
        Index(
            "ix_topic_work_items_backlog",
            "waiting_since",
            "topic_id",
            postgresql_where=text("resolved_at IS NULL"),
            sqlite_where=text("resolved_at IS NULL"),
        ),
    )

    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # Since when the current wait runs: ours (the customer waits for us) or, when waiting_for_customer, theirs.
    waiting_since: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    waiting_for_customer: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    first_response_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    first_response_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolution_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)

    topic = relationship("Topic")
    assignee = relationship("User")

    def first_response_overdue(self, now: datetime) -> bool:
        return bool(self.first_response_at is None and self.first_response_due_at and self.first_response_due_at <= now)

    def resolution_overdue(self, now: datetime) -> bool:
        return bool(
            self.resolved_at is None
            and not self.waiting_for_customer
            and self.resolution_due_at
            and self.resolution_due_at <= now
        )

    def is_overdue(self, now: datetime) -> bool:
        return (
            self.resolved_at is None
            and not self.waiting_for_customer
            and (self.first_response_overdue(now) or self.resolution_overdue(now))
        )

    def __repr__(self) -> str:
        return f"<TopicWork {self.topic_id}>"


class Assignment(db.Model):
    """One assignment or hand-off, kept for good: the topic's history as staff see it."""

    __tablename__ = "topic_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), nullable=False, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    to_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="SET NULL"))
    to_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="", nullable=False)  # plain text, shown escaped
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    actor = relationship("User", foreign_keys=[actor_id])
    from_user = relationship("User", foreign_keys=[from_user_id])
    to_user = relationship("User", foreign_keys=[to_user_id])
    from_department = relationship("Department", foreign_keys=[from_department_id])
    to_department = relationship("Department", foreign_keys=[to_department_id])

    @property
    def is_hand_off(self) -> bool:
        return self.from_department_id != self.to_department_id

    def __repr__(self) -> str:
        return f"<Assignment {self.id} on {self.topic_id}>"


class InternalNote(TimestampMixin, db.Model):
    """A note staff leave on a topic. Customers never see it: not on pages, in search, feeds or e-mails."""

    __tablename__ = "internal_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), nullable=False, index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text, nullable=False)
    body_html: Mapped[str] = mapped_column(Text, nullable=False)

    author = relationship("User")

    def __repr__(self) -> str:
        return f"<InternalNote {self.id} on {self.topic_id}>"
