"""Images in topics and comments are visible to whoever may see the topic (and the comment)."""

from app.common.policy import can
from app.community.models import Comment, Topic
from app.extensions import db
from app.media.services import register_guard

TOPIC, COMMENT = "topic", "comment"


def can_view_topic_image(user, topic_id: int) -> bool:
    topic = db.session.get(Topic, topic_id)
    return can(user, "view_topic", topic)


def can_view_comment_image(user, comment_id: int) -> bool:
    comment = db.session.get(Comment, comment_id)
    return can(user, "view_comment", comment) and can(user, "view_topic", comment.topic)


def register() -> None:
    register_guard(TOPIC, can_view_topic_image)
    register_guard(COMMENT, can_view_comment_image)
