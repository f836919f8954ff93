"""Kept importable for code written before app.common.policy (the rules themselves live there)."""

from app.common import policy
from app.community.models import Comment, Topic


def can_view_topic(user, topic: Topic) -> bool:
    return policy.can(user, "view_topic", topic)


def visible_topics_clause(user):
    return policy.where(user, "view_topic", Topic)


def visible_topics_clause_for(staff: bool, user_id: int | None):
    return policy.topic_clause(Topic, staff, user_id)


def visible_comments_clause(user):
    return policy.where(user, "view_comment", Comment)


def public_only_clause():
    return policy.where(None, "view_public_topic", Topic)
