"""How fast /admin/analytics answers on a year of data at the bank's scale x100 (`--scale 1`): 150,000
participants, 5 million page views (straight into the daily_visits roll-up, as raw views are rolled up and
purged), 90,000 topics with their comments, votes, response clocks, CSAT answers and ask-form events.

    nice -n 10 .venv/bin/python -m bench.analytics_dashboard --scale 0.1 [--backend postgres] [--requests 20]
        [--before-requests 3] [--periods 30,90,365]

Data is bulk-inserted with SQL (executemany per chunk), not through HTTP, then rolled up as `flask analytics
rebuild` does (timed). Each period is measured on the roll-ups ("after") and, in the same run, with the figures
computed from the raw tables as before the roll-ups ("before"). Prints one JSON line:
{"backend", "scale", "rows", "load_s", "rebuild_s", "periods": {"30": {"after", "before", "speedup"}, ...}}.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from bench._support import fresh_app

FULL = {
    "users": 150_000,
    "page_views": 5_000_000,
    "topics": 90_000,
    "comments_per_topic": 4.6,
    "votes_per_topic": 2.0,
    "drafts": 600_000,
}
DAYS = 365
CHUNK = 5_000
SOURCES = [
    ("search", "Google", 0.16),
    ("search", "Yandex", 0.10),
    ("search", "Bing", 0.02),
    ("social", "VK", 0.05),
    ("social", "Telegram", 0.03),
    ("company", "www.bank.example", 0.09),
    ("widget", "", 0.08),
    ("email", "", 0.04),
    ("referral", "forum.example", 0.03),
    ("direct", "", 0.40),
]


def _insert(table, rows: list[dict]) -> None:
    from app.extensions import db

    for start in range(0, len(rows), CHUNK):
        db.session.execute(table.insert(), rows[start : start + CHUNK])


def _when(rng: random.Random, now: datetime) -> datetime:
    return now - timedelta(days=rng.random() * DAYS, seconds=rng.randint(0, 3600))


def _people(n_users: int) -> tuple[int, list[int], list[int]]:
    from sqlalchemy import select

    from app.auth.models import User
    from app.extensions import db

    _insert(
        User.__table__,
        [{"email": f"user{i}@bench.example", "display_name": f"User {i}", "role": "customer"} for i in range(n_users)],
    )
    reps = [{"email": f"rep{i}@bench.example", "display_name": f"Rep {i}", "role": "representative"} for i in range(40)]
    _insert(User.__table__, reps)
    users = list(db.session.scalars(select(User.id).where(User.role == "customer")))
    rep_ids = list(db.session.scalars(select(User.id).where(User.role == "representative")))
    admin = db.session.scalar(select(User.id).where(User.role == "admin"))
    return admin, users, rep_ids


def _structure():
    from app.admin import services as admin_services
    from app.auth import services as auth_services
    from app.extensions import db
    from app.staff import services as staff_services

    categories = []
    for d in range(5):
        department = staff_services.create_department(f"Department {d}")
        db.session.flush()
        for c in range(4):
            categories.append((admin_services.create_category(f"Category {d}.{c}", department.id).id, department.id))
    auth_services.register_user("admin@bench.example", "bench-password-123", "Admin", role="admin")
    db.session.commit()
    return categories


def _topics(rng, now, n, users, reps, categories) -> list[tuple[int, datetime, int]]:
    from sqlalchemy import select

    from app.community.models import Topic
    from app.extensions import db
    from app.staff.models import TopicWork

    kinds_ = [
        ("question", "answered", "open"),
        ("problem", "solved", "open"),
        ("idea", "planned", "new"),
        ("praise", "acknowledged", "new"),
    ]
    rows = []
    for i in range(n):
        kind, done, fresh = rng.choices(kinds_, weights=[5, 3, 1, 1])[0]
        category, department = rng.choice(categories)
        created = _when(rng, now)
        rows.append(
            {
                "type": kind,
                "title": f"Bench topic {i}",
                "body": "Details.",
                "body_html": "<p>Details.</p>",
                "mood": rng.choices(["satisfied", "indifferent", "upset"], weights=[60, 18, 21])[0],
                "channel": rng.choice(["site", "site", "site", "widget", "vk", "email"]),
                "status": done if rng.random() < 0.7 else fresh,
                "author_id": rng.choice(users),
                "category_id": category,
                "department_id": department,
                "created_at": created,
                "updated_at": created,
                "last_activity_at": created,
            }
        )
    _insert(Topic.__table__, rows)
    topics = [(t, c, d) for t, c, d in db.session.execute(select(Topic.id, Topic.created_at, Topic.department_id))]
    work = []
    for topic_id, created, _department in topics:
        answered = created + timedelta(hours=rng.expovariate(1 / 6)) if rng.random() < 0.9 else None
        resolved = answered + timedelta(hours=rng.expovariate(1 / 30)) if answered and rng.random() < 0.8 else None
        work.append(
            {
                "topic_id": topic_id,
                "assignee_id": rng.choice(reps),
                "waiting_since": created,
                "first_response_due_at": created + timedelta(hours=8),
                "first_response_at": answered,
                "resolution_due_at": created + timedelta(hours=40),
                "resolved_at": resolved,
            }
        )
    _insert(TopicWork.__table__, work)
    return topics


def _activity(rng, topics, users, reps, scale_cfg) -> dict:
    from app.analytics.models import CsatResponse
    from app.community.models import Comment, Vote

    comments, votes, csat = [], [], []
    for topic_id, created, department in topics:
        for k in range(int(rng.expovariate(1 / scale_cfg["comments_per_topic"]))):
            official = k == 0 and rng.random() < 0.8
            comments.append(
                {
                    "topic_id": topic_id,
                    "author_id": rng.choice(reps if official else users),
                    "body": "A reply.",
                    "body_html": "<p>A reply.</p>",
                    "is_official": official,
                    "department_id": department if official else None,
                    "created_at": created + timedelta(hours=k + 1),
                    "updated_at": created,
                }
            )
        for voter in rng.sample(users, min(len(users), int(rng.expovariate(1 / scale_cfg["votes_per_topic"])))):
            votes.append({"topic_id": topic_id, "user_id": voter, "created_at": created + timedelta(hours=2)})
        if rng.random() < 0.25:
            csat.append(
                {
                    "topic_id": topic_id,
                    "user_id": rng.choice(users),
                    "solved": rng.random() < 0.8,
                    "score": rng.choice([1, 3, 4, 4, 5, 5]),
                    "comment": "",
                    "department_id": department,
                    "representative_id": rng.choice(reps),
                    "created_at": created + timedelta(days=1),
                }
            )
    _insert(Comment.__table__, comments)
    _insert(Vote.__table__, votes)
    _insert(CsatResponse.__table__, csat)
    return {"comments": len(comments), "votes": len(votes), "csat": len(csat)}


def _visits_and_events(rng, now, page_views: int, drafts: int) -> dict:
    from app.analytics.models import DailyVisits, Event

    per_day = page_views / DAYS
    rows = []
    for offset in range(DAYS):
        day: date = (now - timedelta(days=offset)).date()
        for source, name, share in SOURCES:
            views = int(per_day * share * rng.uniform(0.8, 1.2))
            rows.append(
                {
                    "day": day,
                    "source": source,
                    "source_name": name,
                    "page_views": views,
                    "visitors": views // 3,
                    "bot_views": views // 10,
                }
            )
    _insert(DailyVisits.__table__, rows)
    events = []
    for n in range(drafts):
        draft, at = f"bench{n:010d}", _when(rng, now)
        events.append({"name": "suggestions_shown", "draft_id": draft, "created_at": at})
        roll = rng.random()
        if roll < 0.6:
            events.append({"name": "suggestion_clicked", "draft_id": draft, "created_at": at + timedelta(minutes=1)})
        if roll > 0.85:
            events.append({"name": "topic_posted", "draft_id": draft, "created_at": at + timedelta(minutes=3)})
        if len(events) >= 50_000:
            _insert(Event.__table__, events)
            events = []
    _insert(Event.__table__, events)
    return {"daily_visits": len(rows), "page_views": sum(r["page_views"] for r in rows), "drafts": drafts}


def load(scale: float) -> dict:
    from app.extensions import db

    rng = random.Random(1386)
    now = datetime.utcnow().replace(microsecond=0)
    cfg = {k: v * scale if k in ("users", "page_views", "topics", "drafts") else v for k, v in FULL.items()}
    categories = _structure()
    _admin, users, reps = _people(int(cfg["users"]))
    topics = _topics(rng, now, int(cfg["topics"]), users, reps, categories)
    rows = {"users": len(users), "topics": len(topics)}
    rows |= _activity(rng, topics, users, reps, cfg)
    rows |= _visits_and_events(rng, now, int(cfg["page_views"]), int(cfg["drafts"]))
    db.session.commit()
    return rows


@contextmanager
def raw_dashboard():
    """The dashboard as it was before the roll-ups: the same page with its figures computed from the domain's
    tables (tests/analytics/raw_reports.py, the oracle of the roll-up tests)."""
    from app.analytics import call_centre, charts, dashboard, reports, service_levels
    from tests.analytics import raw_reports

    swaps = [
        (reports, "activity", raw_reports.activity),
        (reports, "funnel", raw_reports.funnel),
        (service_levels, "report", raw_reports.report),
        (charts, "moods_over_time", raw_reports.moods_over_time),
        (call_centre, "community_share", raw_reports.community_share),
    ]
    saved = [(module, name, getattr(module, name)) for module, name, _ in swaps]
    try:
        for module, name, raw in swaps:
            setattr(module, name, raw)
        assert dashboard.reports.activity is raw_reports.activity
        yield
    finally:
        for module, name, original in saved:
            setattr(module, name, original)


def _url(period: str) -> str:
    if period != "365":
        return f"/admin/analytics/?period={period}"
    today = datetime.utcnow().date()
    return f"/admin/analytics/?period=custom&from={today - timedelta(days=364)}&to={today}"


def _time(client, url: str, requests: int) -> dict:
    assert client.get(url).status_code == 200  # warm-up
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        assert client.get(url).status_code == 200
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 1),
    }


def measure(app, periods: list[str], requests: int, before_requests: int) -> dict:
    """Per period: the dashboard on the roll-ups ("after"), and, when before_requests > 0, the same page from the
    raw tables ("before"), measured in this run; "speedup" is before p50 / after p50."""
    client = app.test_client()
    response = client.post("/login", data={"email": "admin@bench.example", "password": "bench-password-123"})
    assert response.status_code == 302, response.status_code
    results = {}
    for period in periods:
        after = _time(client, _url(period), requests)
        results[period] = {"after": after}
        if before_requests > 0:
            with raw_dashboard():
                before = _time(client, _url(period), before_requests)
            results[period] |= {"before": before, "speedup": round(before["p50_ms"] / after["p50_ms"], 1)}
    return results


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.01, help="1 = the bank x100 (150,000 participants ...)")
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--before-requests", type=int, default=3, help="0: do not measure the raw dashboard")
    parser.add_argument("--periods", default="30,90,365")
    args = parser.parse_args(argv)
    with fresh_app("postgres" if args.backend == "postgres" else "whoosh") as (app, _workdir):
        app.config.update(ANALYTICS_ENABLED=False, RATELIMIT_ENABLED=False)
        start = time.perf_counter()
        rows = load(args.scale)
        load_s = round(time.perf_counter() - start, 1)
        start = time.perf_counter()
        days = rebuild_rollups()
        rebuild_s = round(time.perf_counter() - start, 1)
        result = measure(app, args.periods.split(","), args.requests, args.before_requests)
    print(
        json.dumps(
            {
                "backend": args.backend,
                "scale": args.scale,
                "rows": rows,
                "load_s": load_s,
                "rebuild_days": days,
                "rebuild_s": rebuild_s,
                "periods": result,
            }
        )
    )


def rebuild_rollups() -> int:
    """The bulk-inserted rows bypassed the roll-up outbox: `flask analytics rebuild` does what it would."""
    from app.analytics import periodic, rollups

    first, last = rollups.data_span()
    return periodic.rebuild(first, last)


if __name__ == "__main__":
    main()
