"""Knowledge-base reads shared by pages, the topic partial and (later) the widget. Lists load their rows in a
fixed number of queries, whatever their length."""

import difflib
import logging
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.common.db import list_rows
from app.common.errors import NotFound
from app.common.policy import can, visible_rows
from app.community.models import Category
from app.community.search_docs import KIND as TOPIC_KIND
from app.extensions import db
from app.kb.models import DRAFT, PUBLISHED, Article, ArticleComment, ArticleFeedback, ArticleRevision
from app.kb.search_docs import text_of
from app.search import service as search_service
from app.search.backends import get_backend
from app.search.documents import Filters, get_kind

log = logging.getLogger(__name__)


@dataclass
class FaqSection:
    category: Category
    articles: list = field(default_factory=list)


FAQ_PER_PAGE = 100


def faq_sections(page: int = 1, per_page: int = FAQ_PER_PAGE) -> tuple[list[FaqSection], Pagination]:
    """One page of the published articles in the categories' order, each category's FAQ in staff's order,
    grouped by category (a category that runs over a page boundary continues on the next page)."""
    found = db.paginate(
        select(Article)
        .join(Article.category)
        .where(Article.status == PUBLISHED)
        .options(joinedload(Article.category), joinedload(Article.department))
        .order_by(Category.position, Category.name, Article.position, Article.id),
        page=page,
        per_page=per_page,
        error_out=False,
    )
    sections: dict[int, FaqSection] = {}
    for article in found.items:
        sections.setdefault(article.category_id, FaqSection(article.category)).articles.append(article)
    return list(sections.values()), found


def most_read(limit: int = 5) -> list[Article]:
    return list(
        db.session.scalars(
            select(Article)
            .where(Article.status == PUBLISHED, Article.view_count > 0)
            .options(joinedload(Article.category))
            .order_by(Article.view_count.desc(), Article.id)
            .limit(limit)
        )
    )


def drafts(limit: int = 50) -> list[Article]:
    return list(
        db.session.scalars(
            select(Article)
            .where(Article.status == DRAFT)
            .options(joinedload(Article.category), joinedload(Article.author))
            .order_by(Article.edited_at.desc(), Article.id.desc())
            .limit(limit)
        )
    )


def get_article(article_id: int) -> Article | None:
    return db.session.scalar(
        select(Article)
        .where(Article.id == article_id)
        .options(
            joinedload(Article.category),
            joinedload(Article.department),
            joinedload(Article.author),
            joinedload(Article.source_topic),
        )
    )


def load_visible_article(viewer, article_id) -> Article:
    """The article if `viewer` may see it (published, or a draft for staff); else NotFound (a 404)."""
    article = get_article(article_id) if isinstance(article_id, int) else None
    if not can(viewer, "view_article", article):
        raise NotFound(_l("This article does not exist."))
    return article


def article_comments(viewer, article: Article) -> list[ArticleComment]:
    criterion = ArticleComment.article_id == article.id
    return visible_rows(viewer, "view_comment", ArticleComment, criterion, (ArticleComment.author,))


def get_comment(comment_id: int) -> ArticleComment | None:
    return db.session.scalar(
        select(ArticleComment).where(ArticleComment.id == comment_id).options(joinedload(ArticleComment.article))
    )


def revisions(article: Article) -> list[ArticleRevision]:
    criterion = ArticleRevision.article_id == article.id
    return list_rows(
        ArticleRevision, criterion, loads=(ArticleRevision.author,), order_by=ArticleRevision.number.desc()
    )


def get_revision(article: Article, number: int) -> ArticleRevision | None:
    return db.session.scalar(
        select(ArticleRevision)
        .where(ArticleRevision.article_id == article.id, ArticleRevision.number == number)
        .options(joinedload(ArticleRevision.author))
    )


def feedback_counts(article: Article) -> dict[bool, int]:
    rows = db.session.execute(
        select(ArticleFeedback.is_helpful, func.count())
        .where(ArticleFeedback.article_id == article.id)
        .group_by(ArticleFeedback.is_helpful)
    )
    counts = {True: 0, False: 0}
    counts.update({bool(helpful): n for helpful, n in rows})
    return counts


def feedback_comments(article: Article, limit: int = 50) -> list[ArticleFeedback]:
    """What readers said was missing (for staff), newest first."""
    return list(
        db.session.scalars(
            select(ArticleFeedback)
            .where(ArticleFeedback.article_id == article.id, ArticleFeedback.comment != "")
            .options(joinedload(ArticleFeedback.user))
            .order_by(ArticleFeedback.updated_at.desc())
            .limit(limit)
        )
    )


def user_feedback(user, article: Article) -> ArticleFeedback | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(ArticleFeedback).where(ArticleFeedback.article_id == article.id, ArticleFeedback.user_id == user.id)
    )


def article_for_topic(viewer, topic_id: int) -> Article | None:
    """The article made from a topic: customers only learn of a published one; staff also of a draft."""
    stmt = select(Article).where(Article.source_topic_id == topic_id).order_by(Article.id).limit(1)
    if not can(viewer, "see_staff_panel"):  # mirrors view_article
        stmt = stmt.where(Article.status == PUBLISHED)
    return db.session.scalar(stmt)


def related_topics(viewer, article: Article, limit: int = 5) -> list[dict]:
    """Community topics about the same thing, found by smart search like the ask form's suggestions (the title
    counts twice against the text), visibility re-checked by the topic kind; the source topic is left out (the
    page links it on its own). No snippets: the sidebar shows titles only."""
    scope = search_service.scope_for(viewer)
    text = text_of(article.body_html)[:2000]
    try:
        found = get_backend().search(
            f"{article.title}\n{article.title}\n{text}",
            scope,
            mode="suggest",
            filters=Filters(kinds=(TOPIC_KIND,)),
            limit=limit + 1,
        )
        kind = get_kind(TOPIC_KIND)
        shown = kind.present(scope, [hit.id for hit in found.hits]) if kind is not None and found.hits else {}
    except Exception:  # a sidebar: a search failure must not take the article down with it
        log.exception("kb: related topics of article %s could not be searched", article.id)
        return []
    return [
        {"id": hit.id, **shown[hit.id]} for hit in found.hits if hit.id in shown and hit.id != article.source_topic_id
    ][:limit]


def revision_diff(revision: ArticleRevision, article: Article) -> list[tuple[str, str]]:
    """Line changes from the revision to the current text: [(" " | "-" | "+", line), ...]; empty when equal."""
    old = [f"# {revision.title}", *revision.body.splitlines()]
    new = [f"# {article.title}", *article.body.splitlines()]
    if old == new:
        return []
    lines = difflib.unified_diff(old, new, lineterm="", n=2)
    return [(line[0], line[1:]) for line in lines if line[:1] in (" ", "-", "+") and line[:3] not in ("---", "+++")]
