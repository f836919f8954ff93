"""Images in articles and article comments are visible to whoever may see the article (and the comment)."""

from app.common.policy import can
from app.extensions import db
from app.kb.models import Article, ArticleComment
from app.media.services import register_guard

ARTICLE, ARTICLE_COMMENT = "article", "article_comment"


def can_view_article_image(user, article_id: int) -> bool:
    article = db.session.get(Article, article_id)
    return can(user, "view_article", article)


def can_view_article_comment_image(user, comment_id: int) -> bool:
    comment = db.session.get(ArticleComment, comment_id)
    return can(user, "view_comment", comment) and can(user, "view_article", comment.article)


def register() -> None:
    register_guard(ARTICLE, can_view_article_image)
    register_guard(ARTICLE_COMMENT, can_view_article_comment_image)
