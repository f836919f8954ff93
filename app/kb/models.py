"""Knowledge base: articles (FAQ entries) with their revisions, comments and helpfulness feedback."""

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.db import TimestampMixin, utcnow
from app.common.slug import slugify
from app.extensions import db

DRAFT, PUBLISHED = "draft", "published"
ARTICLE_STATUSES = (DRAFT, PUBLISHED)


class Article(TimestampMixin, db.Model):
    """One knowledge-base article. Published articles form their category's FAQ list, ordered by `position`."""

    __tablename__ = "articles"
    __table_args__ = (Index("ix_articles_faq", "status", "category_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False, default="")
    body_html: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # plain_text(body_html), computed once when written (set_body): the page's meta and JSON-LD, feeds, search
    # documents and the related-topics query read it instead of re-parsing the HTML on every view.
    body_text: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=DRAFT, index=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    # When the text last changed (a revision); `updated_at` also moves with counters and ordering.
    edited_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    view_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    revision_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), nullable=False, index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), nullable=False, index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    source_topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id", ondelete="SET NULL"), index=True)

    category = relationship("Category")
    department = relationship("Department")
    author = relationship("User")
    source_topic = relationship("Topic")

    @property
    def slug(self) -> str:
        return slugify(self.title) or "article"

    @property
    def is_published(self) -> bool:
        return self.status == PUBLISHED

    def __repr__(self) -> str:
        return f"<Article {self.id} {self.status}>"


class ArticleRevision(db.Model):
    """Every saved version of an article's text, numbered from 1; restoring adds a new revision."""

    __tablename__ = "article_revisions"
    __table_args__ = (UniqueConstraint("article_id", "number", name="uq_article_revisions_article_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False, default="")
    body_html: Mapped[str] = mapped_column(Text, nullable=False, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    restored_from: Mapped[int | None] = mapped_column(Integer)  # the revision number this one restored
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    article = relationship("Article")
    author = relationship("User")

    def __repr__(self) -> str:
        return f"<ArticleRevision {self.article_id}#{self.number}>"


class ArticleComment(TimestampMixin, db.Model):
    __tablename__ = "article_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    body_html: Mapped[str] = mapped_column(Text, nullable=False)
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    article = relationship("Article")
    author = relationship("User")

    def __repr__(self) -> str:
        return f"<ArticleComment {self.id} on {self.article_id}>"


class ArticleFeedback(TimestampMixin, db.Model):
    """'Was this helpful?': one answer per user and article (answering again changes it)."""

    __tablename__ = "article_feedback"
    __table_args__ = (UniqueConstraint("article_id", "user_id", name="uq_article_feedback_article_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    is_helpful: Mapped[bool] = mapped_column(Boolean, nullable=False)
    comment: Mapped[str] = mapped_column(Text, nullable=False, default="")  # "what was missing", plain text

    article = relationship("Article")
    user = relationship("User")
