"""monthly_service_hours: a month's response and solution times per department and representative, sorted. The
dashboard reads a period's whole months from it and the rest from topic_service, so its service levels (medians,
90th percentiles, every time) must equal the raw oracle (tests/analytics/raw_reports.py) for periods made of
whole months, partial ones and both; and the table must follow the clocks (a hand-off, a rebuild)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.analytics import rollup_months, service_levels
from app.analytics.periods import Period
from app.analytics.rollup_models import MonthlyServiceCounts, MonthlyServiceHours, TopicService, unpack_hours
from app.common.db import utcnow
from app.community import services as community_services
from app.extensions import db
from app.staff import services as staff_services
from app.staff.models import TopicWork
from tests.analytics import raw_reports
from tests.analytics.test_rollups import _at, _levels

SPAN = 80  # days of history: two whole months at least, whatever today is


def _long_history(community, make_topic, make_user) -> list:
    """Topics over the last SPAN days in both departments, with response clocks: answered, solved, open, some
    assigned; returns them."""
    people = [make_user() for _ in range(3)]
    topics = []
    for n in range(40):
        days_ago, private = (n * 7) % SPAN, n % 3 != 0
        when = _at(days_ago, 1 + n % 9)
        topic = make_topic(author=people[n % 3], category=community["cards"] if private else community["acquiring"])
        topic.created_at = when
        work = db.session.get(TopicWork, topic.id)
        work.first_response_due_at, work.resolution_due_at = when + timedelta(hours=8), when + timedelta(hours=40)
        work.first_response_at = when + timedelta(hours=n % 13, minutes=n) if n % 5 else None
        work.resolved_at = when + timedelta(hours=n % 17 + 6) if n % 5 and n % 4 else None
        work.assignee_id = community["rep_private" if private else "rep_business"].id if n % 3 else None
        if n % 6 == 1:
            community_services.post_comment(community["rep_private"], topic, "Looking into it.")
        db.session.commit()
        topics.append(topic)
    return topics


def _expected_months() -> set[tuple]:
    """The rows monthly_service_hours should hold, from topic_service."""
    times: dict[tuple, tuple[list, list]] = {}
    for clock in db.session.scalars(select(TopicService)):
        key = (clock.day.replace(day=1), clock.department_id, clock.assignee_id or 0)
        lists = times.setdefault(key, ([], []))
        if clock.first_response_hours is not None:
            lists[0].append(clock.first_response_hours)
        if clock.solution_hours is not None:
            lists[1].append(clock.solution_hours)
    return {(*key, tuple(sorted(first)), tuple(sorted(solution))) for key, (first, solution) in times.items()}


def _stored_months() -> set[tuple]:
    db.session.expire_all()
    return {
        (
            row.month,
            row.department_id,
            row.assignee_id,
            tuple(unpack_hours(row.first_response_hours)),
            tuple(unpack_hours(row.solution_hours)),
        )
        for row in db.session.scalars(select(MonthlyServiceHours))
    }


def _periods() -> list[Period]:
    """Whole months only, whole months with partial ones on either side, partial ones only, today included."""
    today = utcnow().date()
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    before_that = (last_month - timedelta(days=1)).replace(day=1)
    return [
        Period(last_month, this_month - timedelta(days=1)),
        Period(before_that, this_month - timedelta(days=1)),
        Period(today - timedelta(days=SPAN), today),
        Period(today - timedelta(days=SPAN), this_month - timedelta(days=1)),
        Period(before_that + timedelta(days=3), last_month + timedelta(days=27)),
        Period(last_month + timedelta(days=2), last_month + timedelta(days=20)),
    ]


def _expected_counts() -> dict[tuple, tuple]:
    """The rows monthly_service_counts should hold, from topic_service: clocks, answered with a target and within
    it, resolved with a target and within it."""
    counts: dict[tuple, list[int]] = {}
    for clock in db.session.scalars(select(TopicService)):
        row = counts.setdefault((clock.day.replace(day=1), clock.department_id, clock.assignee_id or 0), [0] * 5)
        row[0] += 1
        if clock.first_response_due_at and clock.first_response_at:
            row[1] += 1
            row[2] += clock.first_response_at <= clock.first_response_due_at
        if clock.resolution_due_at and clock.resolved_at:
            row[3] += 1
            row[4] += clock.resolved_at <= clock.resolution_due_at
    return {key: tuple(row) for key, row in counts.items()}


def _stored_counts() -> dict[tuple, tuple]:
    db.session.expire_all()
    return {
        (r.month, r.department_id, r.assignee_id): (
            r.topics,
            r.first_answered,
            r.first_in_target,
            r.solution_resolved,
            r.solution_in_target,
        )
        for r in db.session.scalars(select(MonthlyServiceCounts))
    }


def _assert_levels_as_raw(departments) -> None:
    whole = 0
    # Now, and a "now" weeks ago: the open clocks of whole months count against their target only once it has
    # passed, which the monthly counts cannot know (read live).
    for now in (utcnow(), utcnow() - timedelta(days=40)):
        for period in _periods():
            whole += bool(service_levels._whole_months(period)[0])
            ours, raw = (
                service_levels.report(period, now, departments),
                raw_reports.service_levels(period, now, departments),
            )
            assert [_levels(group) for group in ours] == [_levels(group) for group in raw], (period, now)
            assert any(levels.first_response for levels in ours[0]), period  # something to compare
    assert whole >= 6  # the monthly rows were read, not only topic_service


@pytest.mark.parametrize("lead", [False, True])
def test_service_levels_over_whole_and_partial_months_equal_the_raw_clocks(app, community, make_topic, make_user, lead):
    _long_history(community, make_topic, make_user)
    assert _stored_months() == _expected_months()
    assert _stored_counts() == _expected_counts()
    assert len({row[0] for row in _stored_months()}) >= 3
    _assert_levels_as_raw([community["private"].id] if lead else None)


def test_the_months_follow_a_hand_off_and_a_rebuild(app, runner, community, make_topic, make_user):
    topics = _long_history(community, make_topic, make_user)
    moved = next(t for t in topics if t.created_at.date() < utcnow().date().replace(day=1) and t.department_id)
    before = _stored_months()
    staff_services.hand_off_topic(community["admin"], moved, community["business"], "Business cards")
    db.session.commit()
    assert moved.department_id == community["business"].id
    after = _stored_months()
    assert after != before and after == _expected_months()
    counts = _stored_counts()
    assert counts == _expected_counts()
    _assert_levels_as_raw(None)
    assert runner.invoke(args=["analytics", "rebuild"]).exit_code == 0
    assert _stored_months() == after
    assert _stored_counts() == counts
    db.session.execute(MonthlyServiceHours.__table__.delete())
    db.session.execute(MonthlyServiceCounts.__table__.delete())
    assert rollup_months.fill_service_months(db.session) >= 3
    db.session.commit()
    assert _stored_months() == after
    assert _stored_counts() == counts
    _assert_levels_as_raw(None)
