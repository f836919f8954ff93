"""participant_days: each day someone took part, linked to the day before it they last took part. The dashboard
counts the distinct participants of a period from it (the rows of the period whose previous day is before it), so
the table must always equal what the raw topics, comments and votes say, and the counts what the raw distinct
count (tests/analytics/raw_reports.py) gives, for every period: after writes through the pages, after a deletion
that takes a day away from someone, and after `flask analytics rebuild`."""

from datetime import timedelta

from sqlalchemy import select

from app.analytics import participant_days, reports
from app.analytics.periods import Period
from app.analytics.rollup_models import NEVER, ParticipantDay, ParticipantDayCount
from app.common.db import utcnow
from app.community import services as community_services
from app.community.models import Comment, Topic, Vote
from app.extensions import db
from tests.analytics import raw_reports
from tests.analytics.test_rollups import _at, _history


def _raw_days() -> set[tuple[int, object]]:
    """(person, day) for every topic, comment and vote on a topic that is not deleted (comments not deleted)."""
    pairs = {(t.author_id, t.created_at.date()) for t in db.session.scalars(select(Topic).where(~Topic.is_deleted))}
    for comment, topic in db.session.execute(select(Comment, Topic).join(Topic, Topic.id == Comment.topic_id)):
        if not topic.is_deleted and not comment.is_deleted:
            pairs.add((comment.author_id, comment.created_at.date()))
    for vote, topic in db.session.execute(select(Vote, Topic).join(Topic, Topic.id == Vote.topic_id)):
        if not topic.is_deleted:
            pairs.add((vote.user_id, vote.created_at.date()))
    return {(u, d) for u, d in pairs if u is not None}


def _expected() -> set[tuple]:
    """The rows participant_days should hold: each person's days in order, each with the one before (or NEVER)."""
    days: dict[int, list] = {}
    for user, day in _raw_days():
        days.setdefault(user, []).append(day)
    rows = set()
    for user, theirs in days.items():
        previous = NEVER
        for day in sorted(theirs):
            rows.add((user, day, previous))
            previous = day
    return rows


def _stored() -> set[tuple]:
    db.session.expire_all()
    return {(r.user_id, r.day, r.previous_day) for r in db.session.scalars(select(ParticipantDay))}


def _assert_day_counts_as_expected() -> None:
    """participant_day_counts holds the expected participant_days counted per (day, previous day), no other row."""
    expected: dict[tuple, int] = {}
    for _user, day, previous in _expected():
        expected[(day, previous)] = expected.get((day, previous), 0) + 1
    db.session.expire_all()
    stored = {(r.day, r.previous_day): r.people for r in db.session.scalars(select(ParticipantDayCount))}
    assert stored == expected


def _assert_every_period_counts_as_raw(days: int) -> None:
    """Every period of the last `days` days (today's live part included or not): the dashboard's count of
    participants equals the raw distinct count."""
    today = utcnow().date()
    for first in range(days):
        for last in range(first + 1):
            period = Period(today - timedelta(days=first), today - timedelta(days=last))
            ours, raw = reports.activity(period).participants, raw_reports.activity(period).participants
            assert ours == raw, (period, ours, raw)


def test_participant_days_follow_the_pages_and_count_every_period(
    app, client_as, community, customer, make_topic, make_user
):
    _history(community, make_topic, make_user)
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
    topic = db.session.scalars(select(Topic).where(Topic.author_id == customer.id)).one()
    neighbour = make_user()
    assert client_as(neighbour).post(f"/t/{topic.id}/comments", {"body": "Same at mine."}).status_code == 302
    assert client_as(neighbour).post(f"/t/{topic.id}/vote", {}).status_code in (200, 302)
    stored = _stored()
    assert stored == _expected()
    # The history's five people took part on several days: some rows link to an earlier day, not only NEVER.
    assert any(previous != NEVER for _u, _d, previous in stored)
    assert (customer.id, utcnow().date(), NEVER) in stored
    _assert_day_counts_as_expected()
    _assert_every_period_counts_as_raw(12)


def test_a_deleted_topic_takes_its_day_away_and_the_next_day_is_linked_past_it(
    app, client_as, community, make_topic, make_user
):
    person, other = make_user(), make_user()
    elsewhere = make_topic(author=other, category=community["cards"])
    elsewhere.created_at = _at(7, 9)
    own = make_topic(author=person, category=community["cards"])
    own.created_at = _at(5, 9)
    db.session.commit()
    for days_ago in (3, 1):
        comment = community_services.post_comment(person, elsewhere, "Still broken here.")
        comment.created_at = _at(days_ago, 10)
        db.session.commit()
    day = {n: _at(n, 0).date() for n in (7, 5, 3, 1)}
    mine = sorted((d, p) for u, d, p in _stored() if u == person.id)
    assert mine == [(day[5], NEVER), (day[3], day[5]), (day[1], day[3])]
    assert _stored() == _expected()

    response = client_as(community["admin"]).post(f"/t/{own.id}/delete", {})
    assert response.status_code == 302
    assert db.session.get(Topic, own.id).is_deleted
    mine = sorted((d, p) for u, d, p in _stored() if u == person.id)
    assert mine == [(day[3], NEVER), (day[1], day[3])]
    assert _stored() == _expected()
    _assert_day_counts_as_expected()
    _assert_every_period_counts_as_raw(9)


def test_rebuild_and_the_bulk_fill_give_the_incremental_rows(app, runner, community, make_topic, make_user):
    _history(community, make_topic, make_user)
    incremental = _stored()
    assert incremental == _expected()
    assert runner.invoke(args=["analytics", "rebuild"]).exit_code == 0
    assert _stored() == incremental
    _assert_day_counts_as_expected()
    # Lost rows (a restore, a bulk import) come back, linked again, from a rebuild day by day...
    db.session.execute(ParticipantDay.__table__.delete())
    db.session.execute(ParticipantDayCount.__table__.delete())
    db.session.commit()
    result = runner.invoke(args=["analytics", "rebuild"])
    assert result.exit_code == 0, result.output
    assert _stored() == incremental
    _assert_day_counts_as_expected()
    # ... and from the one-statement fill the bulk loads use (from daily_participants).
    db.session.execute(ParticipantDay.__table__.delete())
    db.session.execute(ParticipantDayCount.__table__.delete())
    assert participant_days.fill_participant_days(db.session) == len(incremental)
    db.session.commit()
    assert _stored() == incremental
    _assert_day_counts_as_expected()
    _assert_every_period_counts_as_raw(12)
