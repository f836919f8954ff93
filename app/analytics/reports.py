"""The figures of the analytics dashboard, each for a period and the period before it.

Visits come from the daily roll-up (daily_visits); activity, moods and the deflection funnel from the roll-ups of
app/analytics/rollups.py (today's part live), filtered by the departments the viewer may see (None: all of them).
"""

from dataclasses import dataclass, field

from sqlalchemy import distinct, func, select

from app.analytics import rollup_months, rollups, sources
from app.analytics.models import DailyVisits
from app.analytics.periods import Period
from app.analytics.rollup_models import (
    DailyActivity,
    DailyFunnel,
    DailyParticipant,
    MonthlyFunnel,
    ParticipantDay,
    ParticipantDayCount,
)
from app.analytics.rollup_reads import in_scope, split
from app.community.models import Topic
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


def _activity_scope(period: Period, departments) -> list:
    clauses = [DailyActivity.day.between(period.start, period.end)]
    if departments is not None:
        clauses.append(DailyActivity.department_id.in_(departments or [-1]))
    return clauses


def _participants(stored: Period | None, live, departments) -> int:
    """Distinct people who took part in the period (today's part live). Everyone (departments None): the
    participant_days rows of the stored days whose previous day is before the period, one per person, summed from
    participant_day_counts; a lead's
    departments: a distinct count over their daily_participants rows."""
    today = {u for d, u in live.participants if in_scope(d, departments)} if live else set()
    if stored is None:
        return len(today)
    if departments is None:
        pd, counts = ParticipantDay, ParticipantDayCount
        scope = [pd.day.between(stored.start, stored.end)]
        count = (
            db.session.scalar(
                select(func.sum(counts.people)).where(
                    counts.day.between(stored.start, stored.end), counts.previous_day < stored.start
                )
            )
            or 0
        )
        user = pd.user_id
    else:
        scope = [
            DailyParticipant.day.between(stored.start, stored.end),
            DailyParticipant.department_id.in_(departments or [-1]),
        ]
        count = db.session.scalar(select(func.count(distinct(DailyParticipant.user_id))).where(*scope)) or 0
        user = DailyParticipant.user_id
    if today:
        seen = set(db.session.scalars(select(user).where(*scope, user.in_(today)).distinct()))
        count += len(today - seen)
    return int(count)


def activity(period: Period, departments=None) -> Activity:
    """Activity from the roll-ups (app/analytics/rollups.py), today's part live."""
    stored, live = split(period)
    totals: dict[str, int] = dict.fromkeys(rollups.COUNT_COLUMNS, 0)
    channels: dict[str, int] = {}
    per_channel = []
    if stored is not None:
        columns = [func.sum(getattr(DailyActivity, c)) for c in rollups.COUNT_COLUMNS]
        per_channel = [
            (channel, dict(zip(rollups.COUNT_COLUMNS, (int(v or 0) for v in values), strict=True)))
            for channel, *values in db.session.execute(
                select(DailyActivity.channel, *columns)
                .where(*_activity_scope(stored, departments))
                .group_by(DailyActivity.channel)
            )
        ]
    if live is not None:
        per_channel += [(ch, counts) for (_c, d, ch), counts in live.activity.items() if in_scope(d, departments)]
    for channel, counts in per_channel:
        for column in rollups.COUNT_COLUMNS:
            totals[column] += counts[column]
        topics = sum(counts[c] for c in rollups.TYPE_COLUMNS.values())
        channels[channel] = channels.get(channel, 0) + topics
    by_type = {t: totals[c] for t, c in rollups.TYPE_COLUMNS.items() if totals[c]}
    moods = {m: totals[c] for m, c in rollups.MOOD_COLUMNS.items() if totals[c]}
    return Activity(
        _participants(stored, live, departments),
        by_type,
        totals["comments"],
        totals["official_answers"],
        totals["votes"],
        moods,
        {ch: n for ch, n in channels.items() if n},
    )


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
    """Ask-form drafts that began in the period and what became of them (roll-ups; today live)."""
    stored, live = split(period)
    totals = dict.fromkeys(rollups.FUNNEL_COLUMNS, 0)
    if stored is not None:
        # Whole months from monthly_funnel, the days outside them from daily_funnel.
        months, edges = rollup_months.whole_months(stored)
        parts = [(MonthlyFunnel, MonthlyFunnel.month.in_(months))] if months else []
        parts += [(DailyFunnel, DailyFunnel.day.between(edge.start, edge.end)) for edge in edges]
        for table, in_period in parts:
            sums = (func.coalesce(func.sum(getattr(table, c)), 0) for c in rollups.FUNNEL_COLUMNS)
            row = db.session.execute(select(*sums).where(in_period)).one()
            for column, value in zip(rollups.FUNNEL_COLUMNS, row, strict=True):
                totals[column] += int(value)
    for counts in live.funnel.values() if live else ():
        for column in rollups.FUNNEL_COLUMNS:
            totals[column] += counts[column]
    return Funnel(
        totals["shown"], totals["clicked"], totals["deflected"], totals["posted_after"], totals["posted_total"]
    )


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
