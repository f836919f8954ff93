"""Images in topics and comments are visible to whoever may see the topic (and the comment)."""
from app.common.permissions import is_staff
from app.community.models import Comment, Topic
from app.community.visibility import can_view_topic
from app.extensions import db
from app.media.services import register_guard

TOPIC, COMMENT = "topic", "comment"


def can_view_topic_image(user, topic_id: int) -> bool:
    topic = db.session.get(Topic, topic_id)
    return topic is not None and can_view_topic(user, topic)


def can_view_comment_image(user, comment_id: int) -> bool:
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.is_deleted or (comment.is_hidden and not is_staff(user)):
        return False
    return can_view_topic(user, comment.topic)


def register() -> None:
    register_guard(TOPIC, can_view_topic_image)
    register_guard(COMMENT, can_view_comment_image)
