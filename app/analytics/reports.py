"""The figures of the analytics dashboard, each for a period and the period before it.

Visits come from the daily roll-up (daily_visits); activity, moods and the deflection funnel from the domain's
own tables and events, filtered by the departments the viewer may see (None: all of them).
"""

from dataclasses import dataclass, field

from sqlalchemy import case, distinct, exists, func, select, union
from sqlalchemy.orm import aliased

from app.analytics import sources
from app.analytics.models import DailyVisits, Event
from app.analytics.periods import Period
from app.analytics.services import SUGGESTION_CLICKED, SUGGESTIONS_SHOWN, TOPIC_POSTED
from app.community.models import Comment, Topic, Vote
from app.extensions import db


@dataclass
class Visits:
    page_views: int = 0
    visitors: int = 0
    bot_views: int = 0
    by_source: dict[str, int] = field(default_factory=dict)  # visitors by the source of their first view
    by_source_name: list[tuple[str, str, int]] = field(default_factory=list)  # (source, name, visitors)
    by_day: list[tuple] = field(default_factory=list)  # (day, visitors, page views)

    def share(self, source: str) -> float | None:
        return self.by_source.get(source, 0) / self.visitors if self.visitors else None


def visits(period: Period) -> Visits:
    in_period = DailyVisits.day.between(period.start, period.end)
    result = Visits()
    totals = db.session.execute(
        select(
            func.coalesce(func.sum(DailyVisits.page_views), 0),
            func.coalesce(func.sum(DailyVisits.visitors), 0),
            func.coalesce(func.sum(DailyVisits.bot_views), 0),
        ).where(in_period)
    ).one()
    result.page_views, result.visitors, result.bot_views = (int(v) for v in totals)
    for source, name, count in db.session.execute(
        select(DailyVisits.source, DailyVisits.source_name, func.sum(DailyVisits.visitors))
        .where(in_period, DailyVisits.visitors > 0)
        .group_by(DailyVisits.source, DailyVisits.source_name)
        .order_by(func.sum(DailyVisits.visitors).desc())
    ):
        result.by_source[source] = result.by_source.get(source, 0) + int(count)
        if name:
            result.by_source_name.append((source, name, int(count)))
    per_day = {
        d: (int(v), int(p))
        for d, v, p in db.session.execute(
            select(DailyVisits.day, func.sum(DailyVisits.visitors), func.sum(DailyVisits.page_views))
            .where(in_period)
            .group_by(DailyVisits.day)
        )
    }
    result.by_day = [(day, *per_day.get(day, (0, 0))) for day in period.each_day()]
    return result


@dataclass
class Activity:
    participants: int
    topics_by_type: dict[str, int]
    comments: int
    official_answers: int
    votes: int
    moods: dict[str, int]
    topics_by_channel: dict[str, int]

    @property
    def topics(self) -> int:
        return sum(self.topics_by_type.values())


def _topic_scope(departments):
    clauses = [Topic.is_deleted.is_(False)]
    if departments is not None:
        clauses.append(Topic.department_id.in_(departments or [-1]))
    return clauses


def activity(period: Period, departments=None) -> Activity:
    scope = _topic_scope(departments)
    new_topics = (Topic.created_at >= period.since, Topic.created_at < period.until, *scope)
    by_type = dict(db.session.execute(select(Topic.type, func.count()).where(*new_topics).group_by(Topic.type)).all())
    moods = dict(
        db.session.execute(
            select(Topic.mood, func.count()).where(*new_topics, Topic.mood.is_not(None)).group_by(Topic.mood)
        ).all()
    )
    channels = dict(
        db.session.execute(select(Topic.channel, func.count()).where(*new_topics).group_by(Topic.channel)).all()
    )
    comment_scope = (
        Comment.created_at >= period.since,
        Comment.created_at < period.until,
        Comment.is_deleted.is_(False),
        *scope,
    )
    comments, official = db.session.execute(
        select(func.count(), func.coalesce(func.sum(case((Comment.is_official.is_(True), 1), else_=0)), 0))
        .select_from(Comment)
        .join(Topic, Topic.id == Comment.topic_id)
        .where(*comment_scope)
    ).one()
    vote_scope = (Vote.created_at >= period.since, Vote.created_at < period.until, *scope)
    votes = (
        db.session.scalar(
            select(func.count()).select_from(Vote).join(Topic, Topic.id == Vote.topic_id).where(*vote_scope)
        )
        or 0
    )
    people = union(
        select(Topic.author_id.label("user_id")).where(*new_topics),
        select(Comment.author_id).join(Topic, Topic.id == Comment.topic_id).where(*comment_scope),
        select(Vote.user_id).join(Topic, Topic.id == Vote.topic_id).where(*vote_scope),
    ).subquery()
    participants = db.session.scalar(select(func.count(distinct(people.c.user_id)))) or 0
    return Activity(participants, by_type, int(comments or 0), int(official or 0), int(votes), moods, channels)


@dataclass
class Funnel:
    drafts_with_suggestions: int
    clicked: int
    deflected: int
    posted_after_suggestions: int
    posted_total: int

    @property
    def rate(self) -> float | None:
        decided = self.deflected + self.posted_after_suggestions
        return self.deflected / decided if decided else None


def funnel(period: Period) -> Funnel:
    recent = (Event.created_at >= period.since, Event.created_at < period.until, Event.draft_id.is_not(None))

    def drafts(name):
        return select(Event.draft_id).where(*recent, Event.name == name)

    def count(stmt) -> int:
        return db.session.scalar(select(func.count(distinct(stmt.subquery().c.draft_id)))) or 0

    shown = count(drafts(SUGGESTIONS_SHOWN))
    clicked = count(drafts(SUGGESTION_CLICKED))
    # NOT EXISTS, not NOT IN: PostgreSQL turns NOT IN (subquery) into a per-row scan (minutes on a year of data).
    posted = aliased(Event)
    deflected = count(
        drafts(SUGGESTION_CLICKED).where(
            ~exists().where(
                posted.draft_id == Event.draft_id,
                posted.name == TOPIC_POSTED,
                posted.created_at >= period.since,
                posted.created_at < period.until,
            )
        )
    )
    posted_after = count(drafts(TOPIC_POSTED).where(Event.draft_id.in_(drafts(SUGGESTIONS_SHOWN))))
    posted_total = (
        db.session.scalar(
            select(func.count())
            .select_from(Event)
            .where(Event.created_at >= period.since, Event.created_at < period.until, Event.name == TOPIC_POSTED)
        )
        or 0
    )
    return Funnel(shown, clicked, deflected, posted_after, posted_total)


SOURCE_ORDER = (
    sources.SEARCH,
    sources.SOCIAL,
    sources.COMPANY,
    sources.WIDGET,
    sources.VK_APP,
    sources.FACEBOOK_APP,
    sources.EMAIL,
    sources.REFERRAL,
    sources.DIRECT,
)
