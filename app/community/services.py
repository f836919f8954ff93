"""Community writes and rules: take the actor and plain data, flush, never commit."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.auth.rules import ensure_may_post
from app.common import signals
from app.common.db import utcnow
from app.common.errors import DomainError, Forbidden, NotFound
from app.common.html import plain_text, render_markdown
from app.common.names import strip_invisible
from app.common.policy import can
from app.common.sensitive import mask_into
from app.common.text import clean_text
from app.community import kinds, search_docs
from app.community.models import Category, Comment, StatusChange, Topic, Vote
from app.extensions import db
from app.media.services import attach_images

TITLE_MAX = 200
BODY_MAX = 20000
COMMENT_MAX = 20000


def _clean_title(title: str) -> str:
    title = strip_invisible(title)  # no bidi overrides or zero-width characters in what lists show
    if len(title) < 5:
        raise DomainError(_l("The title must be at least 5 characters long."), field="title")
    if len(title) > TITLE_MAX:
        raise DomainError(_l("The title must be at most %(n)d characters long.", n=TITLE_MAX), field="title")
    return title


def _get_category(category_id) -> Category:
    category = db.session.get(Category, category_id) if isinstance(category_id, int) else None
    if category is None:
        raise DomainError(_l("Choose one of the listed categories."), field="category_id")
    return category


def create_topic(
    author,
    topic_type: str,
    title: str,
    body: str,
    category_id: int,
    mood: str | None = None,
    is_private: bool = False,
    channel: str = kinds.SITE,
) -> Topic:
    if topic_type not in kinds.TOPIC_TYPES:
        raise DomainError(_l("Choose the type of your topic."), field="type")
    mood = mood or None
    if mood is not None and mood not in kinds.MOODS:
        raise DomainError(_l("Choose one of the listed moods."), field="mood")
    if channel not in kinds.CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    if mood is None and topic_type in kinds.MOOD_REQUIRED:
        raise DomainError(_l("Tell us how you feel about it."), field="mood")
    ensure_may_post(author, public=not is_private)
    masked: set = set()
    body = mask_into(clean_text(body, BODY_MAX, "body"), masked)
    if not body and topic_type in (kinds.QUESTION, kinds.PROBLEM):
        raise DomainError(_l("Describe your question or problem."), field="body")
    category = _get_category(category_id)
    topic = Topic(
        type=topic_type,
        title=mask_into(_clean_title(title), masked)[:TITLE_MAX],
        body=body,
        body_html=render_markdown(body),
        mood=mood,
        status=kinds.initial_status(topic_type),
        is_private=bool(is_private),
        channel=channel,
        author=author,
        category=category,
        department_id=category.department_id,
        last_activity_at=utcnow(),
    )
    topic.body_text = plain_text(topic.body_html)
    topic.masked_sensitive = masked  # not a column: the route tells the author what was hidden
    db.session.add(topic)
    db.session.flush()
    search_docs.touch(topic.id)
    attach_images(author, body, "topic", topic.id)
    signals.topic_created.send(topic)
    return topic


def _answering_department_id(user, topic: Topic) -> int | None:
    departments = list(getattr(user, "departments", []) or [])
    for department in departments:
        if department.id == topic.department_id:
            return department.id
    return departments[0].id if departments else None


def post_comment(author, topic: Topic, body: str) -> Comment:
    if not can(author, "comment", topic):
        raise NotFound(_l("This topic does not exist."))
    if topic.is_closed:
        raise DomainError(_l("This topic is closed to new answers."), field="body")
    ensure_may_post(author, public=not topic.is_private)
    masked: set = set()
    body = mask_into(clean_text(body, COMMENT_MAX, "body"), masked)
    if not body:
        raise DomainError(_l("Write something first."), field="body")
    official = can(author, "answer_officially", topic)
    comment = Comment(
        topic=topic,
        author=author,
        body=body,
        body_html=render_markdown(body),
        is_official=official,
        department_id=_answering_department_id(author, topic) if official else None,
    )
    comment.body_text = plain_text(comment.body_html)
    comment.masked_sensitive = masked
    db.session.add(comment)
    search_docs.touch(topic.id)
    topic.comment_count = (topic.comment_count or 0) + 1
    topic.last_activity_at = utcnow()
    if official:
        topic.has_official_answer = True
        new_status = kinds.ANSWERED_STATUS.get(topic.type)
        if new_status and topic.status == kinds.initial_status(topic.type):
            _record_status(author, topic, new_status)
    db.session.flush()
    attach_images(author, body, "comment", comment.id)
    signals.comment_posted.send(comment)
    return comment


def mark_solution(actor, topic: Topic, comment_id) -> Topic:
    if not can(actor, "mark_solution", topic):
        raise Forbidden(_l("Only the author of the topic or staff can choose the solution."))
    comment = db.session.get(Comment, comment_id) if isinstance(comment_id, int) else None
    if comment is None or comment.topic_id != topic.id or comment.is_deleted:
        raise NotFound(_l("This comment does not exist."))
    if topic.solution_comment_id == comment.id:
        topic.solution = None
        topic.solution_comment_id = None
    else:
        topic.solution = comment
        topic.solution_comment_id = comment.id
        new_status = kinds.SOLVED_STATUS.get(topic.type)
        if new_status and topic.status != new_status:
            _record_status(actor, topic, new_status)
        signals.solution_marked.send(topic, actor=actor, comment=comment)
    topic.last_activity_at = utcnow()
    return _reindexed(topic)


def toggle_vote(user, topic: Topic) -> bool:
    """Add the user's vote, or withdraw it. Returns True when the user now votes."""
    if not can(user, "view_topic", topic):
        raise NotFound(_l("This topic does not exist."))
    if topic.type not in kinds.VOTABLE:
        raise DomainError(_l("Votes are for problems and ideas."))
    if topic.author_id == user.id:
        raise DomainError(_l("You cannot vote for your own topic."))
    if topic.merged_into_id is not None:
        raise DomainError(_l("This topic was merged into another one: vote there."))
    ensure_may_post(user)
    vote = db.session.scalar(select(Vote).where(Vote.topic_id == topic.id, Vote.user_id == user.id))
    if vote is None:
        db.session.add(Vote(topic_id=topic.id, user_id=user.id))
        topic.vote_count = (topic.vote_count or 0) + 1
        voted = True
    else:
        db.session.delete(vote)
        topic.vote_count = max(0, (topic.vote_count or 0) - 1)
        voted = False
    search_docs.touch(topic.id)
    db.session.flush()
    return voted


def _record_status(actor, topic: Topic, new_status: str) -> None:
    old_status = topic.status
    change = StatusChange(topic=topic, actor=actor, old_status=old_status, new_status=new_status)
    db.session.add(change)
    topic.status = new_status
    search_docs.touch(topic.id)
    signals.status_changed.send(topic, actor=actor, old=old_status, new=new_status, change=change)


def change_status(actor, topic: Topic, new_status: str) -> Topic:
    if not can(actor, "change_status", topic):
        raise Forbidden(_l("Only staff can change the status."))
    if new_status not in kinds.STATUSES[topic.type]:
        raise DomainError(_l("This status does not exist for this type of topic."), field="status")
    if new_status != topic.status:
        _record_status(actor, topic, new_status)
        topic.last_activity_at = utcnow()
    db.session.flush()
    return topic


def edit_topic(actor, topic: Topic, title: str, body: str) -> Topic:
    if not can(actor, "edit_topic", topic):
        raise Forbidden(_l("Only the author or a moderator can edit this topic."))
    ensure_may_post(actor, public=False)
    masked: set = set()
    body = mask_into(clean_text(body, BODY_MAX, "body"), masked)
    if not body and topic.type in (kinds.QUESTION, kinds.PROBLEM):
        raise DomainError(_l("Describe your question or problem."), field="body")
    title = mask_into(_clean_title(title), masked)[:TITLE_MAX]
    topic.masked_sensitive = masked
    if (title, body) != (topic.title, topic.body) and _shows_edit_mark(actor, topic):
        topic.edited_at = utcnow()
        topic.edited_by_id = actor.id
    topic.title = title
    topic.body = body
    topic.body_html = render_markdown(body)
    topic.body_text = plain_text(topic.body_html)
    search_docs.touch(topic.id)
    db.session.flush()
    attach_images(actor, body, "topic", topic.id)
    return topic


# The author may fix a typo right after posting without an "edited" mark; later edits, and every edit by
# someone else (a moderator), show the time and the editor.
EDIT_GRACE = timedelta(minutes=5)


def _shows_edit_mark(actor, topic: Topic) -> bool:
    return actor.id != topic.author_id or utcnow() - topic.created_at > EDIT_GRACE


def set_topic_hidden(actor, topic: Topic, hidden: bool) -> Topic:
    """Moderators hide a topic from everyone but staff (and can undo it)."""
    if not can(actor, "moderate", topic):
        raise Forbidden(_l("Only moderators can hide topics."))
    topic.is_hidden = bool(hidden)
    return _reindexed(topic)


def delete_topic(actor, topic: Topic) -> Topic:
    """Soft delete by the author or a moderator: gone from every page and from search, kept in the database."""
    if not can(actor, "delete_topic", topic):
        raise Forbidden(_l("Only the author or a moderator can delete this topic."))
    topic.is_deleted = True
    return _reindexed(topic)


def _reindexed(topic: Topic) -> Topic:
    """Flush a change to what the topic's search document holds; the search outbox has it (touch)."""
    search_docs.touch(topic.id)
    db.session.flush()
    return topic
