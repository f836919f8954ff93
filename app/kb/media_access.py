"""Images in articles and article comments are visible to whoever may see the article (and the comment)."""
from app.common.permissions import is_staff
from app.extensions import db
from app.kb.models import Article, ArticleComment
from app.kb.rules import can_view_article
from app.media.services import register_guard

ARTICLE, ARTICLE_COMMENT = "article", "article_comment"


def can_view_article_image(user, article_id: int) -> bool:
    article = db.session.get(Article, article_id)
    return article is not None and can_view_article(user, article)


def can_view_article_comment_image(user, comment_id: int) -> bool:
    comment = db.session.get(ArticleComment, comment_id)
    if comment is None or comment.is_deleted or (comment.is_hidden and not is_staff(user)):
        return False
    return can_view_article(user, comment.article)


def register() -> None:
    register_guard(ARTICLE, can_view_article_image)
    register_guard(ARTICLE_COMMENT, can_view_article_comment_image)
