from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.db import TimestampMixin, utcnow
from app.common.slug import slugify
from app.extensions import db


class Category(TimestampMixin, db.Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True, nullable=False)
    description: Mapped[str] = mapped_column(Text, default="", nullable=False)
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), nullable=False, index=True)

    department = relationship("Department", lazy="joined")

    @property
    def slug(self) -> str:
        """The category page's address, /c/<slug>: the transliterated name (or the id when it has no letters)."""
        return slugify(self.name) or str(self.id)

    def __repr__(self) -> str:
        return f"<Category {self.id} {self.name}>"


class Topic(TimestampMixin, db.Model):
    __tablename__ = "topics"
    __table_args__ = (
        Index("ix_topics_listing", "is_deleted", "is_hidden", "last_activity_at"),
        # A category's page, newest activity first, without walking the other categories' topics.
        Index("ix_topics_category_listing", "category_id", "is_deleted", "is_hidden", "last_activity_at"),
        # A customer's own private topics, added to the list counts on every list page (queries.list_counts):
        # found without walking the author's public ones (an import account may have posted thousands).
        Index(
            "ix_topics_private_author",
            "author_id",
            postgresql_where=text("is_private"),
            sqlite_where=text("is_private = 1"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False, default="")
    body_html: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # plain_text(body_html), computed once when written: pages' JSON-LD, feeds and search read it.
    body_text: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")
    mood: Mapped[str | None] = mapped_column(String(20))
    # kinds.CHANNELS: where the topic was posted (site, widget, vk, facebook, email, import).
    channel: Mapped[str] = mapped_column(String(20), nullable=False, default="site", server_default="site", index=True)
    # The page of the company's site the topic was asked from (the "Ask us!" widget passes its URL and title).
    source_url: Mapped[str | None] = mapped_column(String(2000))
    source_title: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    is_private: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    has_official_answer: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    comment_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    vote_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    last_activity_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), nullable=False, index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), nullable=False, index=True)
    solution_comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", use_alter=True, ondelete="SET NULL")
    )
    # Moderation (app.moderation): a closed topic takes no new answers; a merged duplicate points to its original.
    is_closed: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id", ondelete="SET NULL"), index=True)
    # The visible "edited" mark (see services.edit_topic for when it is set).
    edited_at: Mapped[datetime | None] = mapped_column(DateTime)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    author = relationship("User", foreign_keys=[author_id])
    category = relationship("Category")
    department = relationship("Department")
    comments = relationship("Comment", back_populates="topic", foreign_keys="Comment.topic_id", order_by="Comment.id")
    solution = relationship("Comment", foreign_keys=[solution_comment_id], post_update=True)
    merged_into = relationship("Topic", remote_side=[id], foreign_keys=[merged_into_id])
    edited_by = relationship("User", foreign_keys=[edited_by_id])

    @property
    def slug(self) -> str:
        return slugify(self.title) or "topic"

    @property
    def is_solved(self) -> bool:
        return self.solution_comment_id is not None

    def __repr__(self) -> str:
        return f"<Topic {self.id} {self.type}>"


class Comment(TimestampMixin, db.Model):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), nullable=False, index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    body_html: Mapped[str] = mapped_column(Text, nullable=False)
    body_text: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")  # see Topic
    is_official: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    # The department the representative answered for (kept even if they move later).
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    topic = relationship("Topic", back_populates="comments", foreign_keys=[topic_id])
    author = relationship("User")
    department = relationship("Department")

    def __repr__(self) -> str:
        return f"<Comment {self.id} on {self.topic_id}>"


class Vote(db.Model):
    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("topic_id", "user_id", name="uq_votes_topic_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)


class StatusChange(db.Model):
    """History of status changes, shown on the topic."""

    __tablename__ = "status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), nullable=False, index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    old_status: Mapped[str] = mapped_column(String(20), nullable=False)
    new_status: Mapped[str] = mapped_column(String(20), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    topic = relationship("Topic")
    actor = relationship("User")


class TopicListCount(db.Model):
    """How many topics that are not deleted each (category, type, status, hidden?, private?) holds: the totals of
    the home and category lists and their type tabs, without counting the topics on each request. Kept by
    app/community/counts.py in the same transaction as every topic write; `flask community recount` (and the
    migration that added it) rebuild it from the topics."""

    __tablename__ = "topic_list_counts"

    category_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(20), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    is_hidden: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    is_private: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    n: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
