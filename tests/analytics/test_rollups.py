"""Roll-ups: the dashboard's figures from the roll-up tables equal what the raw queries (tests/analytics/
raw_reports.py, the dashboard before the roll-ups) compute on the same data; they follow new topics, comments,
votes and moves through the outbox; `flask analytics rebuild` is idempotent."""

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from app.analytics import call_centre, charts, reports, service_levels
from app.analytics.models import Event
from app.analytics.periods import Period
from app.analytics.rollup_models import DailyActivity, DailyFunnel, DailyParticipant, RollupOutbox, TopicService
from app.analytics.services import record_event
from app.common.db import utcnow
from app.community import kinds
from app.community import services as community_services
from app.community.models import Topic, Vote
from app.extensions import db
from app.staff import services as staff_services
from app.staff.models import TopicWork
from tests.analytics import raw_reports

TYPES = ("question", "problem", "idea", "praise")
CHANNELS = ("site", "widget", "vk")


def _at(days_ago: int, hour: int) -> datetime:
    return datetime.combine(utcnow().date() - timedelta(days=days_ago), time(hour))


def _history(community, make_topic, make_user) -> None:
    """Twelve days (today included) of topics of every type, mood and channel in two departments, comments
    (some official), votes, response clocks, statuses, and ask-form drafts with every outcome."""
    people = [make_user() for _ in range(5)]
    for n in range(30):
        days_ago, private = n % 12, n % 3 != 0
        when = _at(days_ago, 1 + n % 5)
        topic = make_topic(
            author=people[n % 5],
            topic_type=TYPES[n % 4],
            category=community["cards"] if private else community["acquiring"],
            mood=kinds.MOODS[n % 3],
        )
        topic.created_at, topic.channel = when, CHANNELS[n % 3]
        comment = community_services.post_comment(people[(n + 1) % 5], topic, "Same here, since Monday.")
        comment.created_at = when + timedelta(hours=1 + n % 30)  # some on the next day
        if n % 2:
            rep = community["rep_private" if private else "rep_business"]
            answer = community_services.post_comment(rep, topic, "Please check the limits in the app.")
            answer.created_at = when + timedelta(hours=2)
        if topic.type in kinds.VOTABLE:
            community_services.toggle_vote(people[(n + 2) % 5], topic)
            db.session.scalar(select(Vote).where(Vote.topic_id == topic.id)).created_at = when + timedelta(hours=3)
        work = db.session.get(TopicWork, topic.id)
        work.first_response_due_at, work.resolution_due_at = when + timedelta(hours=8), when + timedelta(hours=40)
        work.first_response_at = when + timedelta(hours=n % 11) if n % 4 else None
        work.resolved_at = when + timedelta(hours=n % 11 + 5) if n % 4 and n % 3 else None
        work.assignee_id = community["rep_private" if private else "rep_business"].id if n % 5 else None
        if n % 4 == 1:
            community_services.change_status(community["admin"], topic, "solved")
        db.session.commit()
    for n in range(16):
        draft, when = f"draft-{n:04d}", _at(n % 8, 12)
        names = ["suggestions_shown"] + (["suggestion_clicked"] if n % 2 else []) + (["topic_posted"] if n % 3 else [])
        for step, name in enumerate(names):
            record_event(name, None, draft, channel="widget" if n % 4 == 0 else "site").created_at = when + timedelta(
                minutes=step
            )
    db.session.commit()


def _levels(levels) -> list[tuple]:
    return [
        (
            item.name,
            item.topics,
            sorted(item.first_response),
            sorted(item.solution),
            item.first_in_target,
            item.first_with_target,
            item.solution_in_target,
            item.solution_with_target,
            item.backlog,
            item.overdue,
        )
        for item in levels
    ]


def _assert_same_as_raw(period: Period, departments) -> None:
    assert reports.activity(period, departments) == raw_reports.activity(period, departments)
    now = utcnow()
    ours, raw = service_levels.report(period, now, departments), raw_reports.service_levels(period, now, departments)
    assert [_levels(group) for group in ours] == [_levels(group) for group in raw]
    moods = raw_reports.moods_by_day(period, departments)
    chart = charts.moods_over_time(period, departments)
    for label_index, mood in enumerate(kinds.MOODS):
        expected = [moods.get((day.isoformat(), mood), 0) for day in period.each_day()]
        assert chart["series"][label_index]["values"] == expected
    if departments is None:
        assert reports.funnel(period) == raw_reports.funnel(period)
        assert call_centre.community_share(period).community_solved == raw_reports.community_solved(period)


PERIODS = [(0, 6), (0, 29), (3, 11), (1, 1)]  # (last day, first day) in days ago: with and without today


@pytest.mark.parametrize("lead", [False, True])
def test_rollups_give_the_raw_figures(app, community, make_topic, make_user, lead):
    _history(community, make_topic, make_user)
    assert db.session.scalar(select(func.count()).select_from(RollupOutbox)) == 0  # applied after each commit
    assert db.session.scalar(select(func.count()).select_from(DailyActivity)) > 0
    departments = [community["private"].id] if lead else None
    for last, first in PERIODS:
        today = utcnow().date()
        period = Period(today - timedelta(days=first), today - timedelta(days=last))
        _assert_same_as_raw(period, departments)
    activity = reports.activity(Period(today - timedelta(days=29), today), departments)
    assert activity.topics == (20 if lead else 30) and activity.comments > activity.topics
    assert activity.votes and activity.official_answers and activity.participants


def _stored(model, **where):
    return db.session.scalars(select(model).filter_by(**where)).all()


def test_a_new_topic_and_comment_update_the_stored_rollups(app, client_as, community, customer, make_user):
    """Through the real pages: the stored rows of today (not the live part) follow each write."""
    today = utcnow().date()
    response = client_as(customer).post(
        "/new",
        {
            "type": "problem",
            "title": "Card payments fail at petrol stations",
            "body": "Since Monday.",
            "category_id": community["cards"].id,
            "mood": "upset",
            "confirmed": "1",
        },
    )
    assert response.status_code == 302
    topic = db.session.scalars(select(Topic)).one()
    [row] = _stored(DailyActivity, day=today)
    assert (row.problems, row.upset, row.comments, row.channel) == (1, 1, 0, "site")
    assert row.department_id == community["private"].id
    neighbour = make_user()
    assert client_as(neighbour).post(f"/t/{topic.id}/comments", {"body": "Same at mine."}).status_code == 302
    assert client_as(neighbour).post(f"/t/{topic.id}/vote", {}).status_code in (200, 302)
    rep = community["rep_private"]
    assert client_as(rep).post(f"/t/{topic.id}/comments", {"body": "Fixed now, sorry."}).status_code == 302
    db.session.expire_all()
    [row] = _stored(DailyActivity, day=today)
    assert (row.comments, row.official_answers, row.votes) == (2, 1, 1)
    assert {p.user_id for p in _stored(DailyParticipant, day=today)} == {customer.id, neighbour.id, rep.id}
    [clock] = _stored(TopicService, topic_id=topic.id)
    assert clock.first_response_at is not None and clock.first_response_hours is not None


def test_a_moved_topic_takes_its_old_comments_along(app, community, make_topic, make_user):
    topic = make_topic(topic_type="question", category=community["cards"])
    topic.created_at = _at(5, 9)
    comment = community_services.post_comment(make_user(), topic, "Me too.")
    comment.created_at = _at(3, 9)
    db.session.commit()
    day = _at(3, 9).date()
    assert [r.department_id for r in _stored(DailyActivity, day=day)] == [community["private"].id]
    staff_services.hand_off_topic(community["admin"], topic, community["business"], "Business cards")
    db.session.commit()
    db.session.expire_all()
    assert [(r.department_id, r.comments) for r in _stored(DailyActivity, day=day)] == [(community["business"].id, 1)]
    community_services.delete_topic(community["admin"], topic)
    db.session.commit()
    db.session.expire_all()
    assert _stored(DailyActivity, day=day) == [] and _stored(DailyActivity, day=_at(5, 9).date()) == []


def _snapshot() -> dict:
    db.session.expire_all()
    tables = (DailyActivity, DailyParticipant, DailyFunnel, TopicService)
    return {
        model.__tablename__: sorted(
            tuple(getattr(row, c.key) for c in model.__table__.columns) for row in db.session.scalars(select(model))
        )
        for model in tables
    }


def test_rebuild_is_idempotent_and_matches_the_incremental_rollups(app, runner, community, make_topic, make_user):
    _history(community, make_topic, make_user)
    incremental = _snapshot()
    first = runner.invoke(args=["analytics", "rebuild"])
    assert first.exit_code == 0, first.output
    assert "days rebuilt" in first.output
    assert _snapshot() == incremental
    since = (utcnow().date() - timedelta(days=4)).isoformat()
    again = runner.invoke(args=["analytics", "rebuild", "--since", since])
    assert again.exit_code == 0, again.output
    assert f"days rebuilt ({since} .." in again.output
    assert _snapshot() == incremental
    # Rows lost (a crash, a bulk import that bypassed the ORM) come back.
    db.session.execute(DailyActivity.__table__.delete())
    db.session.commit()
    assert runner.invoke(args=["analytics", "rebuild"]).exit_code == 0
    assert _snapshot() == incremental


def test_deferred_mode_leaves_the_days_to_the_rollup_command(app, runner, community, make_topic):
    app.config["ANALYTICS_ROLLUP"] = "deferred"
    topic = make_topic(category=community["cards"])
    assert db.session.scalar(select(func.count()).select_from(RollupOutbox)) >= 1
    assert _stored(DailyActivity) == []
    # The dashboard still shows today (its live part).
    today = utcnow().date()
    assert reports.activity(Period(today, today)).topics_by_type == {topic.type: 1}
    result = runner.invoke(args=["analytics", "rollup"])
    assert result.exit_code == 0 and "1 days rebuilt" in result.output
    assert [r.questions for r in _stored(DailyActivity, day=today)] == [1]
    assert db.session.scalar(select(func.count()).select_from(RollupOutbox)) == 0
    assert runner.invoke(args=["analytics", "sweep"]).exit_code == 0
    assert [r.questions for r in _stored(DailyActivity, day=today)] == [1]


def test_events_of_a_draft_count_on_the_day_it_began(app):
    record_event("suggestions_shown", None, "draft-overnight").created_at = _at(1, 23)
    db.session.commit()
    record_event("suggestion_clicked", None, "draft-overnight")
    db.session.commit()
    [row] = _stored(DailyFunnel, day=_at(1, 23).date())
    assert (row.shown, row.clicked, row.deflected) == (1, 1, 1)
    assert _stored(DailyFunnel, day=utcnow().date()) == []
    assert db.session.scalar(select(func.count()).select_from(Event)) == 2
