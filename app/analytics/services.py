"""Recording events. Only known event names are accepted."""

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.analytics.models import Event
from app.common.errors import DomainError
from app.common.guards import MAX_ID
from app.extensions import db

SUGGESTIONS_SHOWN = "suggestions_shown"
SUGGESTION_CLICKED = "suggestion_clicked"
SUGGESTION_SOLVED = "suggestion_solved"  # "this solved my problem" on a suggestion opened from the ask form
TOPIC_POSTED = "topic_posted"
CLIENT_EVENTS = frozenset({SUGGESTIONS_SHOWN, SUGGESTION_CLICKED, SUGGESTION_SOLVED})
_DRAFT_RE = re.compile(r"^[A-Za-z0-9_-]{8,40}$")


def clean_draft_id(value) -> str | None:
    return value if isinstance(value, str) and _DRAFT_RE.match(value) else None


def record_event(
    name: str,
    user_id: int | None = None,
    draft_id: str | None = None,
    subject_kind: str | None = None,
    subject_id: int | None = None,
    data: dict | None = None,
    channel: str = "site",
    category_id: int | None = None,
) -> Event:
    event = Event(
        category_id=category_id,
        name=name,
        user_id=user_id,
        draft_id=clean_draft_id(draft_id),
        subject_kind=subject_kind,
        subject_id=subject_id,
        data=data or None,
        channel=channel,
    )
    db.session.add(event)
    return event


def _category_of(category, subject_kind, subject_id) -> int | None:
    """The category the customer chose on the form (if it exists), else the opened suggestion's."""
    from app.community.models import Category, Topic
    from app.kb.models import Article

    if isinstance(category, str) and category.isdecimal() and len(category) < 10:
        category = int(category)
    valid = isinstance(category, int) and not isinstance(category, bool) and 1 <= category <= MAX_ID
    if valid and db.session.get(Category, category) is not None:
        return category
    model = {"topic": Topic, "article": Article}.get(subject_kind)
    if model is None or subject_id is None:
        return None
    return db.session.scalar(select(model.category_id).where(model.id == subject_id))


def record_client_event(
    name,
    user_id: int | None,
    draft_id,
    subject_kind=None,
    subject_id=None,
    count=None,
    channel: str = "site",
    category=None,
) -> Event:
    """An event reported by the ask form's script; everything it sends is checked."""
    if name not in CLIENT_EVENTS:
        raise DomainError(_l("Unknown event."))
    if clean_draft_id(draft_id) is None:
        raise DomainError(_l("Missing or malformed draft id."))
    if subject_kind is not None and (not isinstance(subject_kind, str) or len(subject_kind) > 20):
        raise DomainError(_l("Malformed subject."))
    if subject_id is not None and (
        not isinstance(subject_id, int) or isinstance(subject_id, bool) or not 1 <= subject_id <= MAX_ID
    ):
        raise DomainError(_l("Malformed subject."))
    data = {"count": count} if isinstance(count, int) and not isinstance(count, bool) and 0 <= count <= 100 else None
    subject_id = subject_id if subject_kind else None
    category_id = _category_of(category, subject_kind, subject_id)
    return record_event(name, user_id, draft_id, subject_kind, subject_id, data, channel, category_id)
