"""Reports built from events."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, distinct, exists, func, select
from sqlalchemy.orm import aliased

from app.analytics.models import Event
from app.analytics.services import SUGGESTION_CLICKED, SUGGESTIONS_SHOWN, TOPIC_POSTED
from app.common.db import utcnow
from app.extensions import db


@dataclass
class Deflection:
    since: datetime
    drafts_with_suggestions: int  # ask forms that showed suggestions
    went_to_suggestion: int  # of those: clicked a suggestion and did not post
    posted_after_suggestions: int  # of those: posted a new topic anyway
    posted_total: int  # every topic posted from the ask form

    @property
    def rate(self) -> float | None:
        decided = self.went_to_suggestion + self.posted_after_suggestions
        return self.went_to_suggestion / decided if decided else None


def month_start(now: datetime | None = None) -> datetime:
    now = now or utcnow()
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def deflection(since: datetime | None = None) -> Deflection:
    since = since or month_start()
    recent = Event.created_at >= since

    def drafts(name):
        return select(Event.draft_id).where(recent, Event.name == name, Event.draft_id.is_not(None))

    def count_drafts(stmt):
        return db.session.scalar(select(func.count(distinct(stmt.subquery().c.draft_id)))) or 0

    shown = count_drafts(drafts(SUGGESTIONS_SHOWN))
    posted = aliased(Event)  # NOT EXISTS: PostgreSQL runs NOT IN (subquery) row by row
    went = count_drafts(
        drafts(SUGGESTION_CLICKED).where(
            ~exists().where(posted.draft_id == Event.draft_id, posted.name == TOPIC_POSTED, posted.created_at >= since)
        )
    )
    posted_after = count_drafts(drafts(TOPIC_POSTED).where(Event.draft_id.in_(drafts(SUGGESTIONS_SHOWN))))
    posted_total = (
        db.session.scalar(select(func.count()).select_from(Event).where(and_(recent, Event.name == TOPIC_POSTED))) or 0
    )
    return Deflection(since, shown, went, posted_after, posted_total)
