"""Building the roll-ups of app/analytics/rollup_models.py from the raw rows, one day (UTC) at a time.

`day_rows(day)` computes a day's rows without writing (the dashboard uses it for today's live part);
`rebuild_day(day)` replaces the stored rows of that day (idempotent); `rebuild(since, until)` does it for a range.
Comments and votes count on the day they were written, under the topic's current category, department and
channel; a draft of the ask form counts on the day it began, with what became of it since.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import case, delete, func, insert, select, union

from app.analytics import zero_searches
from app.analytics.models import Event
from app.analytics.participant_days import link_participant_days
from app.analytics.rollup_models import (
    FUNNEL_COLUMNS,
    DailyActivity,
    DailyFunnel,
    DailyParticipant,
    DailyZeroSearch,
    TopicService,
)
from app.analytics.rollup_months import as_date, month_of, rebuild_funnel_months, rebuild_service_months
from app.analytics.services import SUGGESTION_CLICKED, SUGGESTIONS_SHOWN, TOPIC_POSTED
from app.community import kinds
from app.community.models import Comment, Topic, Vote
from app.extensions import db
from app.notify.models import MANUAL, Subscription
from app.staff import hours, sla
from app.staff.models import Department, TopicWork

TYPE_COLUMNS = {kinds.QUESTION: "questions", kinds.PROBLEM: "problems", kinds.IDEA: "ideas", kinds.PRAISE: "praises"}
MOOD_COLUMNS = {kinds.SATISFIED: "satisfied", kinds.INDIFFERENT: "indifferent", kinds.UPSET: "upset"}
COUNT_COLUMNS = (*TYPE_COLUMNS.values(), *MOOD_COLUMNS.values(), "solved", "comments", "official_answers", "votes")
# Not deleted, written as "IS NOT true" (the column is NOT NULL): SQLite cannot search an index with it, so a day's
# queries start from the created_at index of the day's rows instead of walking every live topic through
# ix_topics_listing (is_deleted, ...), which made today's live part take seconds on a year of data.
LIVE = Topic.is_deleted.is_not(True)


@dataclass
class DayRows:
    day: date
    activity: dict[tuple, dict[str, int]] = field(default_factory=dict)  # (category, department, channel) -> counts
    participants: set[tuple[int, int]] = field(default_factory=set)  # (department, user)
    funnel: dict[tuple[str, int], dict[str, int]] = field(default_factory=dict)  # (channel, category) -> counts
    service: list[dict] = field(default_factory=list)  # topic_service rows
    zero_searches: dict[str, tuple[int, int]] = field(default_factory=dict)  # text -> (searches, visitors)

    def counts(self, key: tuple) -> dict[str, int]:
        return self.activity.setdefault(key, dict.fromkeys(COUNT_COLUMNS, 0))

    def funnel_counts(self, channel: str, category: int) -> dict[str, int]:
        return self.funnel.setdefault((channel, category), dict.fromkeys(FUNNEL_COLUMNS, 0))


def _bounds(day: date) -> tuple[datetime, datetime]:
    since = datetime.combine(day, time.min)
    return since, since + timedelta(days=1)


def _solved():
    return case(
        *(((Topic.type == t) & (Topic.status == s), 1) for t, s in kinds.SOLVED_STATUS.items()),
        else_=0,
    )


def _activity(s, rows: DayRows, since: datetime, until: datetime) -> None:
    live = LIVE
    keys = (Topic.category_id, Topic.department_id, Topic.channel)
    for category, department, channel, kind, mood, count, solved in s.execute(
        select(*keys, Topic.type, Topic.mood, func.count(), func.sum(_solved()))
        .where(live, Topic.created_at >= since, Topic.created_at < until)
        .group_by(*keys, Topic.type, Topic.mood)
    ):
        counts = rows.counts((category, department, channel))
        if kind in TYPE_COLUMNS:
            counts[TYPE_COLUMNS[kind]] += count
        if mood in MOOD_COLUMNS:
            counts[MOOD_COLUMNS[mood]] += count
        counts["solved"] += int(solved or 0)
    for category, department, channel, count, official in s.execute(
        select(*keys, func.count(), func.sum(case((Comment.is_official.is_(True), 1), else_=0)))
        .select_from(Comment)
        .join(Topic, Topic.id == Comment.topic_id)
        .where(live, Comment.is_deleted.is_(False), Comment.created_at >= since, Comment.created_at < until)
        .group_by(*keys)
    ):
        counts = rows.counts((category, department, channel))
        counts["comments"] += count
        counts["official_answers"] += int(official or 0)
    for category, department, channel, count in s.execute(
        select(*keys, func.count())
        .select_from(Vote)
        .join(Topic, Topic.id == Vote.topic_id)
        .where(live, Vote.created_at >= since, Vote.created_at < until)
        .group_by(*keys)
    ):
        rows.counts((category, department, channel))["votes"] += count


def _participants(s, rows: DayRows, since: datetime, until: datetime) -> None:
    live = LIVE
    people = union(
        select(Topic.department_id, Topic.author_id).where(live, Topic.created_at >= since, Topic.created_at < until),
        select(Topic.department_id, Comment.author_id)
        .select_from(Comment)
        .join(Topic, Topic.id == Comment.topic_id)
        .where(live, Comment.is_deleted.is_(False), Comment.created_at >= since, Comment.created_at < until),
        select(Topic.department_id, Vote.user_id)
        .select_from(Vote)
        .join(Topic, Topic.id == Vote.topic_id)
        .where(live, Vote.created_at >= since, Vote.created_at < until),
        select(Topic.department_id, Subscription.user_id)  # followed a topic (taking part subscribes by itself)
        .select_from(Subscription)
        .join(Topic, Topic.id == Subscription.topic_id)
        .where(live, Subscription.reason == MANUAL, Subscription.created_at >= since, Subscription.created_at < until),
    )
    rows.participants = {(d, u) for d, u in s.execute(people) if u is not None}


def _funnel(s, rows: DayRows, since: datetime, until: datetime) -> None:
    names = (SUGGESTIONS_SHOWN, SUGGESTION_CLICKED, TOPIC_POSTED)  # the (name, created_at) index serves the range
    today = select(Event.draft_id).where(
        Event.name.in_(names), Event.created_at >= since, Event.created_at < until, Event.draft_id.is_not(None)
    )
    drafts: dict[str, dict] = {}
    for draft, name, channel, category, created_at in s.execute(
        select(Event.draft_id, Event.name, Event.channel, Event.category_id, Event.created_at)
        .where(Event.draft_id.in_(today.distinct()), Event.name.in_(names))
        .order_by(Event.created_at, Event.id)
    ):
        state = drafts.setdefault(
            draft, {"began": created_at, "channel": channel or kinds.SITE, "names": set(), "category": 0}
        )
        state["names"].add(name)
        if category:  # the latest known: the form's choice, the posted topic's, else the opened suggestion's
            state["category"] = category
    for state in drafts.values():
        if not since <= state["began"] < until:
            continue  # began on an earlier day: counted there
        names = state["names"]
        counts = rows.funnel_counts(state["channel"], state["category"])
        counts["shown"] += SUGGESTIONS_SHOWN in names
        counts["clicked"] += SUGGESTION_CLICKED in names
        counts["deflected"] += SUGGESTION_CLICKED in names and TOPIC_POSTED not in names
        counts["posted_after"] += SUGGESTIONS_SHOWN in names and TOPIC_POSTED in names
    for channel, category, count in s.execute(
        select(Event.channel, Event.category_id, func.count())
        .where(Event.name == TOPIC_POSTED, Event.created_at >= since, Event.created_at < until)
        .group_by(Event.channel, Event.category_id)
    ):
        rows.funnel_counts(channel or kinds.SITE, category or 0)["posted_total"] += count


def _working_hours(cal, start: datetime, end: datetime | None) -> float | None:
    return None if end is None else hours.working_time_between(cal, start, end) / timedelta(hours=1)


def _service(s, rows: DayRows, since: datetime, until: datetime) -> None:
    calendars: dict[int, object] = {}
    for work, department_id, created_at in s.execute(
        select(TopicWork, Topic.department_id, Topic.created_at)
        .join(Topic, Topic.id == TopicWork.topic_id)
        .where(LIVE, Topic.created_at >= since, Topic.created_at < until)
    ):
        if department_id not in calendars:
            calendars[department_id] = sla.calendar_of(s.get(Department, department_id))
        cal = calendars[department_id]
        rows.service.append(
            {
                "topic_id": work.topic_id,
                "day": rows.day,
                "department_id": department_id,
                "assignee_id": work.assignee_id,
                "first_response_hours": _working_hours(cal, created_at, work.first_response_at),
                "solution_hours": _working_hours(cal, created_at, work.resolved_at),
                "first_response_at": work.first_response_at,
                "first_response_due_at": work.first_response_due_at,
                "resolved_at": work.resolved_at,
                "resolution_due_at": work.resolution_due_at,
                "waiting_for_customer": work.waiting_for_customer,
            }
        )


def day_rows(day: date, session=None) -> DayRows:
    """The roll-up rows of `day`, computed from the raw rows (nothing written)."""
    s = session if session is not None else db.session
    rows = DayRows(day)
    since, until = _bounds(day)
    _activity(s, rows, since, until)
    _participants(s, rows, since, until)
    _funnel(s, rows, since, until)
    _service(s, rows, since, until)
    rows.zero_searches = zero_searches.day_counts(s, since, until)
    return rows


def rebuild_day(day: date, session=None) -> DayRows:
    """Replace the stored roll-ups of `day` with freshly computed ones, in the caller's transaction."""
    s = session if session is not None else db.session
    rows = day_rows(day, s)
    link_participant_days(s, day, {u for _d, u in rows.participants})
    for model in (DailyActivity, DailyParticipant, DailyFunnel, DailyZeroSearch, TopicService):
        s.execute(delete(model).where(model.day == day))
    moved = [r["topic_id"] for r in rows.service]  # a topic whose creation time was changed (imports, tests)
    months = {month_of(day)}
    for start in range(0, len(moved), 500):
        chunk = moved[start : start + 500]
        months |= {
            month_of(as_date(d)) for d in s.scalars(select(TopicService.day).where(TopicService.topic_id.in_(chunk)))
        }
        s.execute(delete(TopicService).where(TopicService.topic_id.in_(chunk)))
    activity = [
        {"day": day, "category_id": c, "department_id": d, "channel": ch, **counts}
        for (c, d, ch), counts in rows.activity.items()
    ]
    people = [{"day": day, "department_id": d, "user_id": u} for d, u in rows.participants]
    funnel = [{"day": day, "channel": ch, "category_id": c, **counts} for (ch, c), counts in rows.funnel.items()]
    empty = [{"day": day, "query": q, "searches": n, "visitors": v} for q, (n, v) in rows.zero_searches.items()]
    for model, values in (
        (DailyZeroSearch, empty),
        (DailyActivity, activity),
        (DailyParticipant, people),
        (DailyFunnel, funnel),
        (TopicService, rows.service),
    ):
        if values:
            s.execute(insert(model), values)
    rebuild_service_months(s, months)
    rebuild_funnel_months(s, {month_of(day)})
    return rows


def data_span() -> tuple[date, date] | None:
    """(first, last) day with raw rows: what a full rebuild covers."""
    s = db.session
    columns = (Topic.created_at, Comment.created_at, Vote.created_at, Event.created_at)
    firsts = [f for f in (s.scalar(select(func.min(c))) for c in columns) if f is not None]
    lasts = [f for f in (s.scalar(select(func.max(c))) for c in columns) if f is not None]
    return (min(firsts).date(), max(lasts).date()) if firsts else None


def days_between(since: date, until: date):
    day = since
    while day <= until:
        yield day
        day += timedelta(days=1)
