"""monthly_funnel: daily_funnel summed per month, channel and category. The dashboard reads a period's whole months
from it and the days outside them from daily_funnel, so the funnel (totals, per channel, per category) must equal
the raw oracle (tests/analytics/raw_reports.py) for periods of whole months, partial ones and both; and the table
must follow the events written through the API, a day's events moved, and `flask analytics rebuild`."""

from datetime import datetime, time, timedelta

from sqlalchemy import select, update

from app.analytics import funnel_reports, reports, rollup_months
from app.analytics.models import Event
from app.analytics.periods import Period
from app.analytics.rollup_models import DailyFunnel, MonthlyFunnel
from app.common.db import utcnow
from app.extensions import db
from tests.analytics import raw_reports

SPAN = 80  # days of history: two whole months at least, whatever today is
COUNTS = ("shown", "clicked", "deflected", "posted_after", "posted_total")
FIELDS = ("drafts_with_suggestions", "clicked", "deflected", "posted_after_suggestions", "posted_total")  # Funnel's


def _event(client, name, draft, **extra) -> None:
    response = client.post_raw(
        "/api/v1/events", json={"event": name, "draft": draft, **extra}, headers={"X-CSRFToken": client.csrf_token()}
    )
    assert response.status_code == 201


def _drafts(client, community, make_topic, count: int) -> list[str]:
    """`count` drafts through the events API (shown; every second one opened a suggestion), alternating categories;
    returns their ids."""
    cards, acquiring = community["cards"], community["acquiring"]
    topic = make_topic(title="Where is my new card", category=cards)
    drafts = []
    for n in range(count):
        draft, category = f"draft-month-{n:04d}", (cards if n % 2 else acquiring).id
        _event(client, "suggestions_shown", draft, count=2, category=str(category))
        if n % 2 == 0:
            _event(client, "suggestion_clicked", draft, kind="topic", id=topic.id, category=str(category))
        drafts.append(draft)
    return drafts


def _expected_months() -> dict[tuple, tuple]:
    sums: dict[tuple, list[int]] = {}
    for row in db.session.scalars(select(DailyFunnel)):
        key = (row.day.replace(day=1), row.channel, row.category_id)
        total = sums.setdefault(key, [0] * len(COUNTS))
        for i, column in enumerate(COUNTS):
            total[i] += getattr(row, column)
    return {key: tuple(values) for key, values in sums.items()}


def _stored_months() -> dict[tuple, tuple]:
    db.session.expire_all()
    return {
        (r.month, r.channel, r.category_id): tuple(getattr(r, c) for c in COUNTS)
        for r in db.session.scalars(select(MonthlyFunnel))
    }


def _periods() -> list[Period]:
    """Periods of whole months only, partial months only, and both, ending yesterday or today."""
    today = utcnow().date()
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    before_last = (last_month - timedelta(days=1)).replace(day=1)
    return [
        Period(before_last, this_month - timedelta(days=1)),  # two whole months
        Period(last_month, this_month - timedelta(days=1)),  # one whole month
        Period(last_month + timedelta(days=3), last_month + timedelta(days=20)),  # inside a month
        Period(before_last + timedelta(days=5), today - timedelta(days=1)),  # partial, whole, partial
        Period(today - timedelta(days=SPAN), today),  # with today's live part
        Period(today - timedelta(days=29), today - timedelta(days=1)),
    ]


def _assert_funnel_as_raw() -> None:
    for period in _periods():
        for current in (period, period.previous()):
            ours, raw = reports.funnel(current), raw_reports.funnel(current)
            assert ours == raw, (current, ours, raw)
            for by in (funnel_reports.CHANNEL, funnel_reports.CATEGORY):
                rows = funnel_reports.breakdown(current, by)
                for name in FIELDS:
                    assert sum(getattr(r.now, name) for r in rows) == getattr(raw, name), (current, by, name)


def test_the_months_follow_the_events_api_a_move_and_a_rebuild(app, client, runner, community, make_topic):
    drafts = _drafts(client, community, make_topic, 24)
    # Written through the API: today's rows and its month's sums, at once (the roll-up applied after commit).
    assert _stored_months() == _expected_months() != {}
    # Each draft's events moved to one earlier day (the draft began there), then the roll-ups rebuilt.
    today = utcnow().date()
    for n, draft in enumerate(drafts[:-2]):
        when = datetime.combine(today - timedelta(days=(n * 7) % SPAN + 1), time(9 + n % 8))
        db.session.execute(update(Event).where(Event.draft_id == draft).values(created_at=when))
    db.session.commit()
    result = runner.invoke(args=["analytics", "rebuild"])
    assert result.exit_code == 0, result.output
    stored = _stored_months()
    assert stored == _expected_months()
    assert len({month for month, _ch, _c in stored}) >= 3
    _assert_funnel_as_raw()
    # Lost sums come back from the rebuild and from the bulk loads' fill.
    db.session.execute(MonthlyFunnel.__table__.delete())
    db.session.commit()
    assert runner.invoke(args=["analytics", "rebuild"]).exit_code == 0
    assert _stored_months() == stored
    db.session.execute(MonthlyFunnel.__table__.delete())
    assert rollup_months.fill_funnel_months(db.session) >= 3
    db.session.commit()
    assert _stored_months() == stored
    _assert_funnel_as_raw()
