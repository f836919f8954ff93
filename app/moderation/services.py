"""Moderation writes: take the moderator and plain data, flush, never commit.

Choices (see the report in the pull request):
- moving to another category moves the topic to that category's department (routing follows the category);
- moving to another type keeps the status if the new type has it, otherwise resets it to the new type's first
  status through the status history;
- merging keeps the duplicate's answers on the duplicate (readable, closed, pointing to the original), moves
  its votes to the original without double votes, counts the duplicate's author as one more "me too" on the
  original, and sends `topic_merged` so notifications can move the subscribers.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from app.common import signals
from app.common.db import utcnow
from app.common.errors import DomainError, Forbidden
from app.common.policy import can
from app.community import kinds
from app.community import search_docs as topic_search
from app.community import services as community_services
from app.community.models import Category, Topic, Vote
from app.extensions import db
from app.moderation.models import ModerationAction

CLOSE, REOPEN, MOVE, MERGE, MERGED_HERE = "close", "reopen", "move", "merge", "merged_here"


def _require_moderator(actor) -> None:
    if not can(actor, "moderate"):
        raise Forbidden(_l("Only moderators can do that."))


def _log(actor, topic: Topic, action: str, **detail) -> ModerationAction:
    entry = ModerationAction(topic_id=topic.id, actor_id=actor.id, action=action, detail=detail or None)
    db.session.add(entry)
    return entry


def close_topic(actor, topic: Topic) -> Topic:
    """No new answers until a moderator reopens it. Closing a closed topic changes nothing."""
    _require_moderator(actor)
    if not topic.is_closed:
        topic.is_closed = True
        _log(actor, topic, CLOSE)
        topic_search.touch(topic.id)
    db.session.flush()
    return topic


def reopen_topic(actor, topic: Topic) -> Topic:
    _require_moderator(actor)
    if topic.merged_into_id is not None:
        raise DomainError(_l("A merged topic stays closed: answer in the topic it was merged into."))
    if topic.is_closed:
        topic.is_closed = False
        _log(actor, topic, REOPEN)
        topic_search.touch(topic.id)
    db.session.flush()
    return topic


def move_topic(actor, topic: Topic, category_id, topic_type: str) -> Topic:
    """Move to another category (and so to its department) and/or change the type."""
    _require_moderator(actor)
    category = db.session.get(Category, category_id) if isinstance(category_id, int) else None
    if category is None:
        raise DomainError(_l("Choose one of the listed categories."), field="category_id")
    if topic_type not in kinds.TOPIC_TYPES:
        raise DomainError(_l("Choose the type of your topic."), field="type")
    if category.id == topic.category_id and topic_type == topic.type:
        raise DomainError(_l("Choose another category or another type."), field="category_id")
    old_category, old_department_id, old_type = topic.category, topic.department_id, topic.type
    topic.category = category
    topic.category_id = category.id
    topic.department_id = category.department_id
    topic.type = topic_type
    topic_search.touch(topic.id)
    if topic.status not in kinds.STATUSES[topic_type]:
        community_services.change_status(actor, topic, kinds.initial_status(topic_type))
    _log(
        actor,
        topic,
        MOVE,
        from_category=old_category.name,
        to_category=category.name,
        from_type=old_type,
        to_type=topic_type,
    )
    db.session.flush()
    signals.topic_moved.send(
        topic, actor=actor, old_category_id=old_category.id, old_department_id=old_department_id, old_type=old_type
    )
    return topic


def check_merge(duplicate: Topic, original: Topic) -> None:
    """Raise a DomainError (field "target") when `duplicate` cannot be merged into `original`."""
    if duplicate.id == original.id:
        raise DomainError(_l("A topic cannot be merged into itself."), field="target")
    if duplicate.merged_into_id is not None:
        raise DomainError(_l("This topic is already merged into another one."), field="target")
    if original.is_deleted or original.is_hidden:
        raise DomainError(_l("Choose a topic everyone can see."), field="target")
    if original.merged_into_id is not None:
        raise DomainError(_l("That topic was itself merged into another one: merge into that one."), field="target")
    if original.is_private and not (duplicate.is_private and duplicate.author_id == original.author_id):
        raise DomainError(
            _l("Only a private topic by the same author can be merged into a private topic."), field="target"
        )


def merge_topic(actor, duplicate: Topic, original: Topic) -> int:
    """Merge `duplicate` into `original`. Returns how many votes the original gained."""
    _require_moderator(actor)
    check_merge(duplicate, original)
    before = _vote_count(original.id)
    voted_on_original = select(Vote.user_id).where(Vote.topic_id == original.id).scalar_subquery()
    db.session.execute(
        update(Vote)
        .where(
            Vote.topic_id == duplicate.id, Vote.user_id.not_in(voted_on_original), Vote.user_id != original.author_id
        )
        .values(topic_id=original.id)
        .execution_options(synchronize_session="fetch")
    )
    db.session.execute(delete(Vote).where(Vote.topic_id == duplicate.id).execution_options(synchronize_session="fetch"))
    if original.type in kinds.VOTABLE and duplicate.author_id != original.author_id:
        already = db.session.scalar(
            select(func.count())
            .select_from(Vote)
            .where(Vote.topic_id == original.id, Vote.user_id == duplicate.author_id)
        )
        if not already:
            db.session.add(Vote(topic_id=original.id, user_id=duplicate.author_id))
            db.session.flush()
    original.vote_count = _vote_count(original.id)
    duplicate.vote_count = 0
    topic_search.touch(original.id)  # gains the duplicate's title and votes
    topic_search.touch(duplicate.id)  # leaves the index
    # Earlier duplicates of the duplicate now point straight at the original (no chains to follow).
    db.session.execute(
        update(Topic)
        .where(Topic.merged_into_id == duplicate.id)
        .values(merged_into_id=original.id)
        .execution_options(synchronize_session="fetch")
    )
    duplicate.merged_into_id = original.id
    duplicate.merged_into = original
    duplicate.is_closed = True
    original.last_activity_at = utcnow()
    gained = original.vote_count - before
    _log(actor, duplicate, MERGE, into=original.id, title=original.title)
    _log(actor, original, MERGED_HERE, source=duplicate.id, title=duplicate.title, votes=gained)
    db.session.flush()
    signals.topic_merged.send(duplicate, original=original, actor=actor)
    return gained


def _vote_count(topic_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Vote).where(Vote.topic_id == topic_id)) or 0


# ---------------------------------------------------------------- blocking a person

BLOCK, UNBLOCK = "block", "unblock"
BLOCK_REASON_MAX = 500


def block_user(actor, user, reason: str, until=None):
    """The person keeps reading but may not post, comment, vote or upload until `until` (naive UTC; None:
    until unblocked). Staff are not blocked here (an administrator changes their role instead)."""
    _require_moderator(actor)
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(_l("Say why: the person will see the reason."), field="reason")
    if len(reason) > BLOCK_REASON_MAX:
        raise DomainError(_l("The reason must be at most %(n)d characters long.", n=BLOCK_REASON_MAX), field="reason")
    if user.id == actor.id or user.is_staff:
        raise Forbidden(_l("Staff accounts cannot be blocked here."))
    now = utcnow()
    if until is not None and until <= now:
        raise DomainError(_l("The end of the block must be in the future."), field="until")
    user.posting_blocked_at, user.posting_blocked_until, user.posting_block_reason = now, until, reason
    db.session.add(
        ModerationAction(
            user_id=user.id,
            actor_id=actor.id,
            action=BLOCK,
            detail={"reason": reason, "until": until.isoformat() if until else None},
        )
    )
    db.session.flush()
    return user


def unblock_user(actor, user):
    _require_moderator(actor)
    if user.posting_blocked_at is None:
        return user
    user.posting_blocked_at = user.posting_blocked_until = user.posting_block_reason = None
    db.session.add(ModerationAction(user_id=user.id, actor_id=actor.id, action=UNBLOCK))
    db.session.flush()
    return user
