"""Who may see what: one rule used by lists, pages, profiles and search."""
from sqlalchemy import and_, false, or_

from app.common.permissions import is_staff
from app.community.models import Comment, Topic


def can_view_topic(user, topic: Topic) -> bool:
    if topic.is_deleted:
        return False
    if is_staff(user):
        return True
    if topic.is_hidden:
        return False
    if topic.is_private:
        return bool(user is not None and getattr(user, "is_authenticated", False) and user.id == topic.author_id)
    return True


def visible_topics_clause(user):
    """SQL condition matching the topics `user` may see (mirrors can_view_topic)."""
    user_id = user.id if user is not None and getattr(user, "is_authenticated", False) else None
    return visible_topics_clause_for(is_staff(user), user_id)


def visible_topics_clause_for(staff: bool, user_id: int | None):
    if staff:
        return Topic.is_deleted == false()
    base = and_(Topic.is_deleted == false(), Topic.is_hidden == false())
    if user_id is not None:
        return and_(base, or_(Topic.is_private == false(), Topic.author_id == user_id))
    return and_(base, Topic.is_private == false())


def visible_comments_clause(user):
    if is_staff(user):
        return Comment.is_deleted == false()
    return and_(Comment.is_deleted == false(), Comment.is_hidden == false())


def public_only_clause():
    return and_(Topic.is_deleted == false(), Topic.is_hidden == false(), Topic.is_private == false())
