"""Mood alerts: the upset share of the last 7 days against the 8 weeks before it, per category. When it rises
by at least MOOD_ALERT_POINTS percentage points (with at least MOOD_ALERT_MIN_TOPICS upset topics in the last
7 days), the leads of the category's department get one e-mail with the topics behind it. The alert is
remembered per category and ISO week, and fires again only after the share has fallen back and risen again.

`check_mood_alerts(now)` is the periodic job (`flask analytics alerts`, or the job queue); it never commits.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import case, func, select

from app.analytics.models import MoodAlert
from app.community import kinds
from app.community.models import Category, Topic
from app.extensions import db
from app.notify import links
from app.notify.compose import insert_mail
from app.notify.render import render_mails
from app.staff.access import leads_of

MOOD_ALERT = "mood_alert"
RECENT_DAYS, BASELINE_DAYS = 7, 56
TOPICS_IN_MAIL = 20


@dataclass(frozen=True)
class Threshold:
    points: float  # percentage points the upset share must rise by
    min_topics: int  # upset topics needed in the last 7 days


def mood_alert_threshold() -> Threshold:
    """The administrator's threshold. Read from config for now (MOOD_ALERT_POINTS, MOOD_ALERT_MIN_TOPICS);
    the only place to change when the settings store lands."""
    config = current_app.config
    return Threshold(float(config["MOOD_ALERT_POINTS"]), int(config["MOOD_ALERT_MIN_TOPICS"]))


@dataclass
class MoodShift:
    category_id: int
    recent_topics: int = 0
    recent_upset: int = 0
    baseline_topics: int = 0
    baseline_upset: int = 0

    @property
    def recent_share(self) -> float:
        return self.recent_upset / self.recent_topics if self.recent_topics else 0.0

    @property
    def baseline_share(self) -> float:
        return self.baseline_upset / self.baseline_topics if self.baseline_topics else 0.0

    def rising(self, threshold: Threshold) -> bool:
        return (
            self.recent_upset >= threshold.min_topics
            and (self.recent_share - self.baseline_share) * 100 >= threshold.points
        )


def iso_week(moment: datetime) -> str:
    year, week, _day = moment.isocalendar()
    return f"{year}-W{week:02d}"


def mood_shifts(now: datetime) -> dict[int, MoodShift]:
    """Per category: topics with a mood and upset ones, in the last 7 days and in the 8 weeks before."""
    recent_start = now - timedelta(days=RECENT_DAYS)
    is_recent = case((Topic.created_at >= recent_start, 1), else_=0)
    rows = db.session.execute(
        select(
            Topic.category_id,
            is_recent,
            func.count(),
            func.coalesce(func.sum(case((Topic.mood == kinds.UPSET, 1), else_=0)), 0),
        )
        .where(
            Topic.created_at >= recent_start - timedelta(days=BASELINE_DAYS),
            Topic.created_at < now,
            Topic.mood.is_not(None),
            Topic.is_deleted.is_(False),
        )
        .group_by(Topic.category_id, is_recent)
    )
    shifts: dict[int, MoodShift] = {}
    for category_id, recent, topics, upset in rows:
        shift = shifts.setdefault(category_id, MoodShift(category_id))
        if recent:
            shift.recent_topics, shift.recent_upset = int(topics), int(upset)
        else:
            shift.baseline_topics, shift.baseline_upset = int(topics), int(upset)
    return shifts


def check_mood_alerts(now: datetime) -> list[MoodAlert]:
    """Raise (and mail) alerts for categories whose upset share rose sharply, clear those that fell back.
    Returns the alerts raised now. Runs in the caller's transaction."""
    threshold = mood_alert_threshold()
    week = iso_week(now)
    open_alerts = {
        a.category_id: a for a in db.session.scalars(select(MoodAlert).where(MoodAlert.cleared_at.is_(None)))
    }
    this_week = set(db.session.scalars(select(MoodAlert.category_id).where(MoodAlert.week == week)))
    raised = []
    for category_id, shift in mood_shifts(now).items():
        rising = shift.rising(threshold)
        alert = open_alerts.pop(category_id, None)
        if rising and alert is None and category_id not in this_week:
            raised.append(_raise(shift, week, now))
        elif not rising and alert is not None:
            alert.cleared_at = now
    for alert in open_alerts.values():  # no topics with a mood any more: fallen back too
        alert.cleared_at = now
    return raised


def _raise(shift: MoodShift, week: str, now: datetime) -> MoodAlert:
    alert = MoodAlert(
        category_id=shift.category_id,
        week=week,
        upset_share=shift.recent_share,
        baseline_share=shift.baseline_share,
        upset_topics=shift.recent_upset,
        created_at=now,
    )
    db.session.add(alert)
    db.session.flush()
    _queue_mail(alert, now)
    return alert


def _queue_mail(alert: MoodAlert, now: datetime) -> set[str]:
    category = db.session.get(Category, alert.category_id)
    topics = db.session.scalars(
        select(Topic)
        .where(
            Topic.category_id == category.id,
            Topic.mood == kinds.UPSET,
            Topic.is_deleted.is_(False),
            Topic.created_at >= now - timedelta(days=RECENT_DAYS),
            Topic.created_at < now,
        )
        .order_by(Topic.created_at.desc())
        .limit(TOPICS_IN_MAIL)
    ).all()
    items = [(t, links.public_url("community.topic", topic_id=t.id, slug=t.slug)) for t in topics]
    rows = render_mails(
        leads_of(category.department_id),
        "mood_alert",
        links.DIGEST,
        lambda: _(
            "More upset customers in %(category)s: %(now)d %% (was %(before)d %%)",
            category=category.name,
            now=round(alert.upset_share * 100),
            before=round(alert.baseline_share * 100),
        ),
        lambda lead: {"dedup_key": f"mood:{alert.id}:to:{lead.id}", "event": MOOD_ALERT},
        category=category,
        alert=alert,
        topics=items,
    )
    return insert_mail(db.session, rows) if rows else set()


def recent_alerts(departments=None, limit: int = 10) -> list[tuple[MoodAlert, Category]]:
    """The latest alerts for the dashboard (a lead sees their departments' only)."""
    stmt = select(MoodAlert, Category).join(Category, Category.id == MoodAlert.category_id)
    if departments is not None:
        stmt = stmt.where(Category.department_id.in_(departments or [-1]))
    return [tuple(row) for row in db.session.execute(stmt.order_by(MoodAlert.created_at.desc()).limit(limit))]
