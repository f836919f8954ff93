"""ANALYTICS_TODAY_SECONDS (production: 60): today's stored roll-ups wait until the oldest change of today has waited
that long, while other days are rebuilt at once and the dashboard shows today live all along. tests/analytics/conftest.py
sets 0 so the other analytics tests compare today's stored rows with the raw rows right after each write."""

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select, update

from app.analytics import rollup_outbox
from app.analytics.rollup_models import DailyActivity, RollupOutbox
from app.common.db import utcnow
from app.extensions import db


@pytest.fixture
def held(app):
    app.config["ANALYTICS_TODAY_SECONDS"] = 60
    return app


def _stored(day):
    db.session.expire_all()
    return db.session.scalars(select(DailyActivity).where(DailyActivity.day == day)).all()


def _waiting(day) -> int:
    return db.session.scalar(select(func.count()).select_from(RollupOutbox).where(RollupOutbox.day == day))


def _problems_on_dashboard(client) -> int:
    rows = client.get("/admin/analytics/activity.csv").get_data(as_text=True).splitlines()
    return int(next(r for r in rows if r.startswith("Problems,")).split(",")[1])


def _post(client, community, title):
    form = {
        "type": "problem",
        "title": title,
        "body": "Since Monday.",
        "category_id": community["cards"].id,
        "mood": "upset",
        "confirmed": "1",
    }
    assert client.post("/new", form).status_code == 302


def test_today_waits_for_its_oldest_change_while_the_dashboard_shows_it_live(held, client_as, community, customer):
    today = utcnow().date()
    author, admin = client_as(customer), client_as(community["admin"])
    _post(author, community, "Card payments fail at petrol stations")  # the job runs after the commit (eager)
    assert _stored(today) == [] and _waiting(today) >= 1
    assert _problems_on_dashboard(admin) == 1  # today's part is computed live
    _post(author, community, "Contactless stopped working on my card")
    assert _stored(today) == [] and _problems_on_dashboard(admin) == 2

    # A minute later the next run of the job (any write enqueues it; here the worker's sweep) rebuilds today once,
    # with both topics, and empties its queue.
    db.session.execute(update(RollupOutbox).values(created_at=RollupOutbox.created_at - timedelta(seconds=61)))
    db.session.commit()
    with held.app_context():
        assert rollup_outbox.run_rollup_job() == 1
    [row] = _stored(today)
    assert row.problems == 2 and _waiting(today) == 0
    assert _problems_on_dashboard(admin) == 2  # the live part alone, not the stored rows added to it


def test_other_days_are_rebuilt_at_once(held, community, make_topic):
    today = utcnow().date()
    earlier = today - timedelta(days=3)
    topic = make_topic(topic_type="question", category=community["cards"])
    topic.created_at = datetime.combine(earlier, time(9))  # an import, a moved clock: an earlier day changes
    db.session.commit()
    [row] = _stored(earlier)
    assert row.questions == 1 and _waiting(earlier) == 0
    assert _stored(today) == [] and _waiting(today) >= 1


def test_a_held_day_is_rebuilt_by_the_first_drain_after_midnight(held, community, make_topic, monkeypatch):
    today = utcnow().date()
    make_topic(topic_type="idea", category=community["cards"])
    assert _stored(today) == [] and _waiting(today) >= 1
    just_after_midnight = datetime.combine(today + timedelta(days=1), time(0, 0, 5))
    monkeypatch.setattr(rollup_outbox, "utcnow", lambda: just_after_midnight)
    with held.app_context():
        assert rollup_outbox.run_rollup_job() == 1
    [row] = _stored(today)
    assert row.ideas == 1 and _waiting(today) == 0


def test_the_rollup_command_does_not_wait(held, runner, community, make_topic):
    today = utcnow().date()
    make_topic(topic_type="praise", category=community["cards"])
    assert _stored(today) == []
    result = runner.invoke(args=["analytics", "rollup"])
    assert result.exit_code == 0 and "1 days rebuilt" in result.output
    [row] = _stored(today)
    assert row.praises == 1 and _waiting(today) == 0
