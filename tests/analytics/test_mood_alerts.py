"""Mood alerts: a sharp rise of the upset share in a category reaches the department's leads once per rise."""

from datetime import timedelta

from sqlalchemy import select

from app.analytics.models import MoodAlert
from app.analytics.mood_alerts import check_mood_alerts
from app.common.db import utcnow
from app.extensions import db
from app.notify.models import MailMessage
from app.staff import services as staff_services


def _topics(make_topic, category, mood, count, days_ago, title="Topic"):
    for n in range(count):
        topic = make_topic(title=f"{title} {mood} {days_ago} {n}", category=category, mood=mood)
        topic.created_at = utcnow() - timedelta(days=days_ago, hours=n)
    db.session.commit()


def _alert_mail():
    return db.session.scalars(select(MailMessage).where(MailMessage.event == "mood_alert")).all()


def test_alert_fires_once_per_rise_and_again_after_a_fall(app, community, make_topic, runner):
    app.config.update(MOOD_ALERT_POINTS=20, MOOD_ALERT_MIN_TOPICS=3)
    lead = community["rep_private"]
    staff_services.set_department_leads(community["admin"], community["private"], [lead.id])
    cards, acquiring = community["cards"], community["acquiring"]
    _topics(make_topic, cards, "satisfied", 8, 20)  # baseline: 1 upset of 9 (11 %)
    _topics(make_topic, cards, "upset", 1, 30)
    _topics(make_topic, acquiring, "upset", 5, 2)  # no lead in Business: raised, nobody mailed
    _topics(make_topic, acquiring, "upset", 5, 30)  # ... and not a rise: always upset
    _topics(make_topic, cards, "upset", 2, 1, title="Card blocked")  # 2 upset of 2: too few topics yet
    now = utcnow()
    assert check_mood_alerts(now) == [] and _alert_mail() == []
    _topics(make_topic, cards, "upset", 1, 2, title="Card blocked")  # 3 of 3 upset: +89 points
    result = runner.invoke(args=["analytics", "alerts"])
    assert "1 mood alerts raised." in result.output
    mail = _alert_mail()
    assert [m.recipient_id for m in mail] == [lead.id]
    assert "More upset customers in Cards: 100 % (was 11 %)" in mail[0].subject
    assert mail[0].body_text.count("Card blocked upset") == 3 and "/t/" in mail[0].body_text
    for _ in range(3):  # every later check, page view or not: no new mail
        assert runner.invoke(args=["analytics", "alerts"]).output.startswith("0 mood alerts")
    assert len(_alert_mail()) == 1
    # It falls back (many satisfied topics this week) ...
    _topics(make_topic, cards, "satisfied", 12, 3)
    assert check_mood_alerts(utcnow()) == []
    db.session.commit()
    assert db.session.scalar(select(MoodAlert.cleared_at)) is not None
    # ... and rises again a week later: a new alert, a new mail.
    later = utcnow() + timedelta(days=7)
    _topics(make_topic, cards, "upset", 6, -6, title="Card blocked again")
    raised = check_mood_alerts(later)
    db.session.commit()
    assert len(raised) == 1 and len(set(db.session.scalars(select(MoodAlert.week)))) == 2
    assert len(_alert_mail()) == 2
    assert check_mood_alerts(later) == []


def test_the_threshold_comes_from_the_settings(app, community, make_topic):
    app.config.update(MOOD_ALERT_POINTS=95, MOOD_ALERT_MIN_TOPICS=1)
    cards = community["cards"]
    _topics(make_topic, cards, "satisfied", 10, 20)
    _topics(make_topic, cards, "upset", 1, 1)
    _topics(make_topic, cards, "satisfied", 1, 1)
    assert check_mood_alerts(utcnow()) == []  # +50 points: below 95
    app.config.update(MOOD_ALERT_POINTS=40)
    assert len(check_mood_alerts(utcnow())) == 1


def test_an_admin_sets_the_threshold_in_a_form(app, client_as, community, make_topic, make_user):
    """Saved in the settings store (versioned), validated, used by the next check; config until first saved."""
    from app.branding import store
    from app.branding.models import Setting

    app.config.update(MOOD_ALERT_POINTS=95, MOOD_ALERT_MIN_TOPICS=1)
    cards = community["cards"]
    _topics(make_topic, cards, "satisfied", 10, 20)
    _topics(make_topic, cards, "upset", 1, 1)
    _topics(make_topic, cards, "satisfied", 1, 1)
    admin = client_as(community["admin"])
    form = admin.get("/admin/analytics/mood-alerts/").get_data(as_text=True)
    assert 'value="95.0"' in form and 'name="min_topics"' in form
    assert check_mood_alerts(utcnow()) == []  # +50 points: below 95

    bad = admin.post("/admin/analytics/mood-alerts/", {"points": "250", "min_topics": "0"})
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "Enter a rise between 1 and 100 percentage points." in text
    assert "Enter between 1 and 10,000 upset topics." in text
    assert admin.post("/admin/analytics/mood-alerts/", {"points": "ten", "min_topics": "2"}).status_code == 422
    assert db.session.get(Setting, "mood_alerts") is None

    saved = admin.post("/admin/analytics/mood-alerts/", {"points": "40", "min_topics": "1"})
    assert saved.status_code == 302
    row = db.session.get(Setting, "mood_alerts")
    assert (row.value, row.version, row.updated_by_id) == ({"points": 40.0, "min_topics": 1}, 1, community["admin"].id)
    assert "The mood alert threshold is saved." in admin.get("/admin/analytics/mood-alerts/").get_data(as_text=True)
    store.forget("mood_alerts")  # the test's app context outlives requests
    assert len(check_mood_alerts(utcnow())) == 1
    page = admin.get("/admin/analytics/?period=7").get_data(as_text=True)
    assert "rises by 40 percentage points or more" in page

    lead = make_user("representative", departments=[community["private"]])
    assert client_as(lead).get("/admin/analytics/mood-alerts/").status_code == 404
    assert client_as(lead).post("/admin/analytics/mood-alerts/", {"points": "1", "min_topics": "1"}).status_code == 404
    assert admin.post_raw("/admin/analytics/mood-alerts/", data={"points": "5", "min_topics": "1"}).status_code == 400
    db.session.expire_all()
    assert db.session.get(Setting, "mood_alerts").value["points"] == 40.0
