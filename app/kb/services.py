"""Knowledge-base writes and rules: take the actor and plain data, flush, raise DomainError, never commit."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.auth.rules import ensure_may_post
from app.common.db import utcnow
from app.common.errors import DomainError, Forbidden, NotFound
from app.common.html import plain_text, render_markdown
from app.common.names import strip_invisible
from app.common.policy import can
from app.common.sensitive import mask_into
from app.common.text import clean_text
from app.community.models import Category, Comment, Topic
from app.extensions import db
from app.kb import rules, search_docs
from app.kb.media_access import ARTICLE, ARTICLE_COMMENT
from app.kb.models import DRAFT, PUBLISHED, Article, ArticleComment, ArticleFeedback, ArticleRevision
from app.media.services import attach_images
from app.staff.models import Department

TITLE_MIN, TITLE_MAX = 5, 200
BODY_MAX = 50_000
COMMENT_MAX = 20_000
FEEDBACK_MAX = 2_000


# ---------------------------------------------------------------- checks


def _require_writer(actor) -> None:
    if not can(actor, "write_articles"):
        raise Forbidden(_l("Only representatives and administrators can write knowledge-base articles."))


def _clean_title(title: str) -> str:
    title = " ".join(strip_invisible(title or "").split())  # no bidi overrides or zero-width characters
    if len(title) < TITLE_MIN:
        raise DomainError(_l("The title must be at least 5 characters long."), field="title")
    if len(title) > TITLE_MAX:
        raise DomainError(_l("The title must be at most %(n)d characters long.", n=TITLE_MAX), field="title")
    return title


def _category(category_id) -> Category:
    category = db.session.get(Category, category_id) if isinstance(category_id, int) else None
    if category is None:
        raise DomainError(_l("Choose one of the listed categories."), field="category_id")
    return category


def _department_id(department_id, category: Category) -> int:
    """The department responsible: the one chosen, or else the category's."""
    if not department_id:
        return category.department_id
    department = db.session.get(Department, department_id) if isinstance(department_id, int) else None
    if department is None:
        raise DomainError(_l("Choose one of the listed departments."), field="department_id")
    return department.id


def _require_body_to_publish(article: Article) -> None:
    if not article.body.strip():
        raise DomainError(_l("Write the article before publishing it."), field="body")


def _end_of_faq(category_id: int, article_id: int | None) -> int:
    """A position after every published article of the category."""
    stmt = select(func.max(Article.position)).where(Article.category_id == category_id, Article.status == PUBLISHED)
    if article_id is not None:
        stmt = stmt.where(Article.id != article_id)
    return (db.session.scalar(stmt) or 0) + 1


def _add_revision(article: Article, actor, restored_from: int | None = None) -> ArticleRevision:
    # Incremented in SQL: concurrent editors of one article wait on its row and get consecutive numbers.
    article.revision_count = Article.revision_count + 1
    db.session.flush()
    db.session.refresh(article, ["revision_count"])
    revision = ArticleRevision(
        article_id=article.id,
        number=article.revision_count,
        title=article.title,
        body=article.body,
        body_html=article.body_html,
        author_id=actor.id,
        restored_from=restored_from,
    )
    db.session.add(revision)
    article.edited_at = utcnow()
    return revision


# ---------------------------------------------------------------- from a community topic


def source_answer_text(topic: Topic) -> str:
    """The answer a topic got: its solution if one is marked, else its official answers, oldest first."""
    rows = db.session.scalars(
        select(Comment)
        .where(Comment.topic_id == topic.id, Comment.is_deleted.is_(False), Comment.is_hidden.is_(False))
        .order_by(Comment.id)
    ).all()
    solution = [c for c in rows if c.id == topic.solution_comment_id]
    chosen = solution or [c for c in rows if c.is_official]
    return "\n\n".join(c.body for c in chosen)


def article_from_topic(topic_id: int) -> Article | None:
    """The article (draft or published) already made from a topic, if any."""
    return db.session.scalar(select(Article).where(Article.source_topic_id == topic_id).order_by(Article.id).limit(1))


def draft_from_topic(actor, topic: Topic) -> dict:
    """What 'Add to FAQ' pre-fills: the question as title, the answer as body, the topic's category."""
    if not rules.is_public_topic(topic):
        raise Forbidden(_l("A private or hidden topic cannot be made public in the FAQ."))
    if not can(actor, "promote_topic", topic):
        raise Forbidden(_l("Only answered questions and problems can be added to the FAQ."))
    return {
        "title": topic.title[:TITLE_MAX],
        "body": source_answer_text(topic)[:BODY_MAX],
        "category_id": topic.category_id,
        "department_id": topic.department_id,
        "source_topic_id": topic.id,
    }


def _source_topic(actor, source_topic_id) -> Topic | None:
    if not source_topic_id:
        return None
    topic = db.session.get(Topic, source_topic_id) if isinstance(source_topic_id, int) else None
    if topic is None or topic.is_deleted:
        raise DomainError(_l("The topic this article was made from no longer exists."))
    if not rules.is_public_topic(topic):
        raise Forbidden(_l("A private or hidden topic cannot be made public in the FAQ."))
    if not can(actor, "promote_topic", topic):
        raise Forbidden(_l("Only answered questions and problems can be added to the FAQ."))
    if article_from_topic(topic.id) is not None:
        raise DomainError(_l("An article was already made from this topic."))
    return topic


# ---------------------------------------------------------------- articles


def set_body(article: Article, body: str) -> None:
    """The source and what is derived from it, computed once here: the sanitised HTML the page shows and its
    plain text (meta, JSON-LD, feeds, search)."""
    article.body = body
    article.body_html = render_markdown(body)
    article.body_text = plain_text(article.body_html)


def create_article(
    author,
    title: str,
    body: str,
    category_id: int,
    department_id: int | None = None,
    source_topic_id: int | None = None,
    publish: bool = False,
) -> Article:
    _require_writer(author)
    category = _category(category_id)
    source = _source_topic(author, source_topic_id)
    body = clean_text(body, BODY_MAX, "body")
    article = Article(
        title=_clean_title(title),
        status=DRAFT,
        category_id=category.id,
        department_id=_department_id(department_id, category),
        author_id=author.id,
        source_topic_id=source.id if source else None,
        edited_at=utcnow(),
    )
    set_body(article, body)
    db.session.add(article)
    db.session.flush()
    search_docs.touch(article.id)
    _add_revision(article, author)
    attach_images(author, body, ARTICLE, article.id)
    if publish:
        publish_article(author, article)
    db.session.flush()
    return article


def edit_article(
    actor,
    article: Article,
    title: str,
    body: str,
    category_id: int,
    department_id: int | None = None,
    base_revision: int | None = None,
    publish: bool = False,
) -> ArticleRevision | None:
    """Save new text; a changed title or body becomes a new revision. Returns it (None when the text is the same).
    With `publish`, a draft is published in the same step.

    `base_revision` is the revision the editor started from: if someone saved another one meanwhile, the save
    is refused rather than silently overwriting their work."""
    _require_writer(actor)
    if base_revision is not None and base_revision != article.revision_count:
        raise DomainError(
            _l(
                "Someone saved a newer version while you were editing. Open the article again "
                "and compare with its revisions."
            ),
            field="body",
        )
    title = _clean_title(title)
    body = clean_text(body, BODY_MAX, "body")
    category = _category(category_id)
    if article.is_published and not body:
        raise DomainError(_l("A published article cannot be empty."), field="body")
    if article.is_published and category.id != article.category_id:
        article.position = _end_of_faq(category.id, article.id)
    article.category_id = category.id
    article.department_id = _department_id(department_id, category)
    search_docs.touch(article.id)
    revision = None
    if title != article.title or body != article.body:
        article.title = title
        set_body(article, body)
        revision = _add_revision(article, actor)
        attach_images(actor, body, ARTICLE, article.id)
    if publish:
        publish_article(actor, article)
    db.session.flush()
    return revision


def publish_article(actor, article: Article) -> Article:
    _require_writer(actor)
    if article.is_published:
        return article
    _require_body_to_publish(article)
    article.status = PUBLISHED
    search_docs.touch(article.id)
    article.position = _end_of_faq(article.category_id, article.id)
    if article.published_at is None:
        article.published_at = utcnow()
    db.session.flush()
    return article


def unpublish_article(actor, article: Article) -> Article:
    _require_writer(actor)
    article.status = DRAFT
    search_docs.touch(article.id)
    db.session.flush()
    return article


def restore_revision(actor, article: Article, number: int) -> ArticleRevision:
    """Bring back an earlier text; the restore itself is a new revision, so nothing is lost."""
    _require_writer(actor)
    old = db.session.scalar(
        select(ArticleRevision).where(ArticleRevision.article_id == article.id, ArticleRevision.number == number)
    )
    if old is None:
        raise NotFound(_l("This revision does not exist."))
    if article.is_published and not old.body.strip():
        raise DomainError(_l("A published article cannot be empty."))
    article.title = old.title
    set_body(article, old.body)
    search_docs.touch(article.id)
    revision = _add_revision(article, actor, restored_from=old.number)
    attach_images(actor, old.body, ARTICLE, article.id)
    db.session.flush()
    return revision


def move_article(actor, article: Article, direction: str) -> Article:
    """Move a published article one place up or down in its category's FAQ list."""
    _require_writer(actor)
    if direction not in ("up", "down"):
        raise DomainError(_l("Choose up or down."))
    if not article.is_published:
        raise DomainError(_l("Only published articles are in the FAQ."))
    siblings = list(
        db.session.scalars(
            select(Article)
            .where(Article.category_id == article.category_id, Article.status == PUBLISHED)
            .order_by(Article.position, Article.id)
        )
    )
    index = siblings.index(article)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        if sibling.position != position:
            sibling.position = position
    db.session.flush()
    return article


def record_view(article: Article) -> None:
    """Count a reading of a published article (one UPDATE; the text's dates do not move)."""
    db.session.execute(
        update(Article)
        .where(Article.id == article.id, Article.status == PUBLISHED)
        .values(view_count=Article.view_count + 1, updated_at=Article.updated_at)
        .execution_options(synchronize_session=False)
    )


# ---------------------------------------------------------------- comments


def post_article_comment(author, article: Article, body: str) -> ArticleComment:
    """A public comment: refused to a person blocked from posting (or, with EMAIL_VERIFICATION=required, not yet
    confirmed); card numbers, CVCs and IBANs are masked before it is stored (`masked_sensitive` tells the route
    what was hidden, for the author's notice)."""
    if not article.is_published:
        raise NotFound(_l("This article does not exist."))
    ensure_may_post(author)
    masked: set = set()
    body = mask_into(clean_text(body, COMMENT_MAX, "body"), masked)
    if not body:
        raise DomainError(_l("Write something first."), field="body")
    comment = ArticleComment(article_id=article.id, author_id=author.id, body=body, body_html=render_markdown(body))
    comment.masked_sensitive = masked  # not a column
    db.session.add(comment)
    db.session.flush()
    attach_images(author, body, ARTICLE_COMMENT, comment.id)
    return comment


def set_article_comment_hidden(actor, comment: ArticleComment, hidden: bool) -> ArticleComment:
    """Moderators hide a comment from everyone but staff (and can undo it)."""
    if not can(actor, "moderate", comment):
        raise Forbidden(_l("Only moderators can hide comments."))
    comment.is_hidden = bool(hidden)
    db.session.flush()
    return comment


def delete_article_comment(actor, comment: ArticleComment) -> ArticleComment:
    """Soft delete by the author or a moderator."""
    if not can(actor, "delete_comment", comment):
        raise Forbidden(_l("Only the author or a moderator can delete this comment."))
    comment.is_deleted = True
    db.session.flush()
    return comment


# ---------------------------------------------------------------- was this helpful?


def give_feedback(user, article: Article, is_helpful: bool, comment: str = "") -> ArticleFeedback:
    """One answer per user and article: answering again replaces the earlier answer."""
    if not article.is_published:
        raise NotFound(_l("This article does not exist."))
    ensure_may_post(user, public=False)  # a vote with an optional note for staff: not from a blocked person
    comment = clean_text(comment, FEEDBACK_MAX, "comment")

    def existing() -> ArticleFeedback | None:
        return db.session.scalar(
            select(ArticleFeedback).where(ArticleFeedback.article_id == article.id, ArticleFeedback.user_id == user.id)
        )

    feedback = existing()
    if feedback is None:
        try:
            with db.session.begin_nested():  # two clicks at once: the second finds the first one's row
                feedback = ArticleFeedback(
                    article_id=article.id, user_id=user.id, is_helpful=bool(is_helpful), comment=comment
                )
                db.session.add(feedback)
                db.session.flush()
            return feedback
        except IntegrityError:
            feedback = existing()
            if feedback is None:
                raise
    feedback.is_helpful = bool(is_helpful)
    feedback.comment = comment
    db.session.flush()
    return feedback
