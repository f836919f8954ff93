"""Images in news posts are visible to whoever may see the post: everyone once published, writers before."""

from app.common.policy import can
from app.extensions import db
from app.media.services import register_guard
from app.news.models import NewsPost

NEWS = "news"


def can_view_news_image(user, post_id: int) -> bool:
    post = db.session.get(NewsPost, post_id)
    return can(user, "view_news", post)


def register() -> None:
    register_guard(NEWS, can_view_news_image)
