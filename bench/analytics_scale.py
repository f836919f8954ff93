"""The dashboard at the bank's scale x100 for a year (`--scale 1`: 150,000 participants, 5 million page views,
90,000 topics), with the roll-ups written in bulk instead of rebuilt day by day from the raw rows.

    nice -n 10 .venv/bin/python -m bench.analytics_scale --scale 1 [--backend postgres] [--requests 10]
        [--periods 90,365] [--profile] [--sql] [--workdir DIR [--load-only] [--before-code /work/main --rounds 3]]

Raw topics, comments, votes, response clocks, CSAT answers and daily_visits are inserted as in
bench/analytics_dashboard.py (executemany per chunk). The roll-ups are then written with SQL straight from them
(INSERT ... SELECT DISTINCT for daily_participants, participant_days from it with LAG and
participant_day_counts from that; GROUP BY read back and
inserted in chunks for daily_activity; topic_service from the clocks, in elapsed hours, and monthly_service_hours
and monthly_service_counts from topic_service), and the ask-form funnel (monthly_funnel summed from it) and the searches that
found nothing straight into their roll-ups (600,000 drafts, ~300 texts a day): no raw events, no `flask
analytics rebuild` (bench/analytics_dashboard.py times that one at smaller scales).

Each period is measured "before" and "after" the optimisation (see variant_setup), in the same run on the same
data. Prints one JSON line with p50/p95 in ms and as a ratio to the 300 ms budget, and the
load average at the start and the end.

`--workdir DIR` keeps the data (the SQLite file in DIR; for PostgreSQL the tables of BENCH_DATABASE_URL) and
reuses it on the next run (roll-up tables added since are filled from the kept ones). With `--before-code
/work/main` the comparison is between two checkouts instead: each round runs the dashboard with that code and
then with this checkout, each in a fresh process on the same data with its own indexes, `--rounds` times; p50/p95
are over all samples of a side. `--sql` prints each SQL statement of one request per period, slowest first.
"""

from __future__ import annotations

import argparse
import json
import os
import random
from datetime import date, datetime, timedelta

from bench import analytics_dashboard as base
from bench._support import fresh_app

BUDGET_MS = 300.0


def _day_expr(column, dialect: str):
    from sqlalchemy import Date, cast, func

    return func.date(column) if dialect == "sqlite" else cast(column, Date)


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _activity_rollup(dialect: str) -> int:
    from sqlalchemy import case, func, select

    from app.analytics import rollups
    from app.analytics.rollup_models import DailyActivity
    from app.community.models import Comment, Topic, Vote
    from app.extensions import db

    s = db.session
    keys = (Topic.category_id, Topic.department_id, Topic.channel)
    rows: dict[tuple, dict[str, int]] = {}

    def counts(day, key) -> dict[str, int]:
        return rows.setdefault((_as_date(day), *key), dict.fromkeys(rollups.COUNT_COLUMNS, 0))

    day = _day_expr(Topic.created_at, dialect)
    for d, c, dep, ch, kind, mood, n, solved in s.execute(
        select(day, *keys, Topic.type, Topic.mood, func.count(), func.sum(rollups._solved())).group_by(
            day, *keys, Topic.type, Topic.mood
        )
    ):
        row = counts(d, (c, dep, ch))
        row[rollups.TYPE_COLUMNS[kind]] += n
        row[rollups.MOOD_COLUMNS[mood]] += n
        row["solved"] += int(solved or 0)
    day = _day_expr(Comment.created_at, dialect)
    for d, c, dep, ch, n, official in s.execute(
        select(day, *keys, func.count(), func.sum(case((Comment.is_official.is_(True), 1), else_=0)))
        .join(Topic, Topic.id == Comment.topic_id)
        .group_by(day, *keys)
    ):
        row = counts(d, (c, dep, ch))
        row["comments"] += n
        row["official_answers"] += int(official or 0)
    day = _day_expr(Vote.created_at, dialect)
    for d, c, dep, ch, n in s.execute(
        select(day, *keys, func.count()).join(Topic, Topic.id == Vote.topic_id).group_by(day, *keys)
    ):
        counts(d, (c, dep, ch))["votes"] += n
    values = [
        {"day": d, "category_id": c, "department_id": dep, "channel": ch, **v} for (d, c, dep, ch), v in rows.items()
    ]
    base._insert(DailyActivity.__table__, values)
    return len(values)


def _participants_rollup(dialect: str) -> int:
    from sqlalchemy import func, insert, select, union

    from app.analytics.rollup_models import DailyParticipant
    from app.community.models import Comment, Topic, Vote
    from app.extensions import db

    people = union(
        select(_day_expr(Topic.created_at, dialect).label("day"), Topic.department_id, Topic.author_id.label("u")),
        select(_day_expr(Comment.created_at, dialect), Topic.department_id, Comment.author_id).join(
            Topic, Topic.id == Comment.topic_id
        ),
        select(_day_expr(Vote.created_at, dialect), Topic.department_id, Vote.user_id).join(
            Topic, Topic.id == Vote.topic_id
        ),
    ).subquery()
    db.session.execute(
        insert(DailyParticipant).from_select(
            ["day", "department_id", "user_id"],
            select(people.c.day, people.c.department_id, people.c.u).where(people.c.u.is_not(None)),
        )
    )
    return db.session.scalar(select(func.count()).select_from(DailyParticipant))


def _participant_days() -> int:
    from app.analytics import participant_days
    from app.extensions import db

    return participant_days.fill_participant_days(db.session)


def _service_months() -> int:
    from app.analytics import rollup_months
    from app.extensions import db

    return rollup_months.fill_service_months(db.session)


def _service_rollup() -> int:
    from sqlalchemy import select

    from app.analytics.rollup_models import TopicService
    from app.community.models import Topic
    from app.extensions import db
    from app.staff.models import TopicWork

    def hours(start, end):
        return None if end is None else (end - start).total_seconds() / 3600

    values = [
        {
            "topic_id": w.topic_id,
            "day": created.date(),
            "department_id": department,
            "assignee_id": w.assignee_id,
            "first_response_hours": hours(created, w.first_response_at),
            "solution_hours": hours(created, w.resolved_at),
            "first_response_at": w.first_response_at,
            "first_response_due_at": w.first_response_due_at,
            "resolved_at": w.resolved_at,
            "resolution_due_at": w.resolution_due_at,
            "waiting_for_customer": w.waiting_for_customer,
        }
        for w, department, created in db.session.execute(
            select(TopicWork, Topic.department_id, Topic.created_at).join(Topic, Topic.id == TopicWork.topic_id)
        )
    ]
    base._insert(TopicService.__table__, values)
    return len(values)


def _funnel_and_searches(rng: random.Random, now: datetime, drafts: int, categories, texts_per_day: int) -> dict:
    from app.analytics import rollups
    from app.analytics.rollup_models import DailyFunnel, DailyZeroSearch

    funnel: dict[tuple, dict[str, int]] = {}
    channels = ["site", "site", "site", "widget", "vk"]
    for _ in range(drafts):
        day = (now - timedelta(days=rng.random() * base.DAYS)).date()
        category = rng.choice(categories)[0] if rng.random() < 0.8 else 0
        row = funnel.setdefault((day, rng.choice(channels), category), dict.fromkeys(rollups.FUNNEL_COLUMNS, 0))
        roll = rng.random()
        row["shown"] += 1
        row["clicked"] += roll < 0.6
        row["deflected"] += roll < 0.6 and roll <= 0.85
        row["posted_after"] += roll > 0.85
        row["posted_total"] += roll > 0.85
    base._insert(
        DailyFunnel.__table__,
        [{"day": d, "channel": ch, "category_id": c, **v} for (d, ch, c), v in funnel.items()],
    )
    searches = []
    vocabulary = [f"вопрос о продукте номер {n}" for n in range(5000)]
    for offset in range(base.DAYS):
        day = (now - timedelta(days=offset)).date()
        for text in {vocabulary[min(int(rng.paretovariate(1.1)) - 1, 4999)] for _ in range(texts_per_day)}:
            visitors = 1 + int(rng.expovariate(0.5))
            searches.append({"day": day, "query": text, "visitors": visitors, "searches": visitors + rng.randint(0, 2)})
    base._insert(DailyZeroSearch.__table__, searches)
    return {"daily_funnel": len(funnel), "daily_zero_searches": len(searches)}


def load(scale: float) -> dict:
    from app.extensions import db

    rng = random.Random(1386)
    now = datetime.utcnow().replace(microsecond=0) - timedelta(days=1)  # the stored part: today stays empty
    cfg = {k: v * scale if k in ("users", "page_views", "topics", "drafts") else v for k, v in base.FULL.items()}
    categories = base._structure()
    _admin, users, reps = base._people(int(cfg["users"]))
    topics = base._topics(rng, now, int(cfg["topics"]), users, reps, categories)
    rows = {"users": len(users), "topics": len(topics)}
    rows |= base._activity(rng, topics, users, reps, cfg)
    rows |= base._visits_and_events(rng, now, int(cfg["page_views"]), 0)
    db.session.commit()
    dialect = db.engine.dialect.name
    rows["daily_activity"] = _activity_rollup(dialect)
    rows["daily_participants"] = _participants_rollup(dialect)
    rows["participant_days"] = _participant_days()
    rows["topic_service"] = _service_rollup()
    rows["service_months"] = _service_months()
    rows |= _funnel_and_searches(rng, now, int(cfg["drafts"]), categories, int(300 * max(scale, 0.1)))
    rows["funnel_months"] = _funnel_months()
    db.session.commit()
    return rows


def _funnel_months() -> int:
    from app.analytics import rollup_months
    from app.extensions import db

    return rollup_months.fill_funnel_months(db.session)


def _ratios(result: dict) -> dict:
    return {**result, "p50_budget": round(result["p50_ms"] / BUDGET_MS, 2)}


def main(argv=None) -> None:
    import time

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--periods", default="90,365")
    parser.add_argument("--profile", action="store_true", help="print the slowest functions of one 365-day page")
    parser.add_argument("--sql", action="store_true", help="print the slowest SQL statements of one page per period")
    parser.add_argument(
        "--workdir",
        help="keep the data (SQLite file here; PostgreSQL tables in BENCH_DATABASE_URL) and reuse it next time",
    )
    parser.add_argument("--load-only", action="store_true", help="load (into --workdir) and stop")
    parser.add_argument(
        "--before-code",
        help="a checkout of the code to compare with (e.g. /work/main): with --workdir, each round measures it"
        " and this checkout, one after the other in fresh processes on the same data, each with its own indexes",
    )
    parser.add_argument("--rounds", type=int, default=2, help="with --before-code: before/after rounds")
    args = parser.parse_args(argv)
    if args.before_code:
        return _compare(args)
    load_before = os.getloadavg()
    backend = "postgres" if args.backend == "postgres" else "whoosh"
    with fresh_app(backend, workdir=args.workdir) as (app, _workdir):
        app.config.update(ANALYTICS_ENABLED=False, RATELIMIT_ENABLED=False)
        start = time.perf_counter()
        rows = _loaded() if args.workdir else None
        if not rows:
            rows = load(args.scale)
        _analyze()
        load_s = round(time.perf_counter() - start, 1)
        if args.load_only:
            print(json.dumps({"backend": args.backend, "rows": rows, "load_s": load_s}))
            return
        if args.sql:
            _sql_profile(app, args.periods.split(","))
        periods = {}
        for variant in _variants():
            variant_setup(variant)
            measured = base.measure(app, args.periods.split(","), args.requests, 0)
            for period, result in measured.items():
                periods.setdefault(period, {})[variant] = _ratios(result["after"])
        if args.profile:
            _profile(app)
    print(
        json.dumps(
            {
                "backend": args.backend,
                "scale": args.scale,
                "rows": rows,
                "load_s": load_s,
                "periods": periods,
                "budget_ms": BUDGET_MS,
                "loadavg_start": [round(v, 2) for v in load_before],
                "loadavg_end": [round(v, 2) for v in os.getloadavg()],
            }
        )
    )


def _variants() -> list[str]:
    return ["before", "after"]


def variant_setup(variant: str) -> None:
    """ "before": the code as it was: today's live part filtered on `is_deleted IS false` (SQLite walks every
    live topic through ix_topics_listing) and service levels from every stored clock read and counted in
    Python; "after": `is_deleted IS NOT true` (the day's created_at index drives) and the target counts summed
    by the database, only the two times per topic read."""
    from app.analytics import rollups, service_levels
    from app.community.models import Topic

    after = variant == "after"
    rollups.LIVE = Topic.is_deleted.is_not(True) if after else Topic.is_deleted.is_(False)
    service_levels.AGGREGATE_IN_SQL = after


def _analyze() -> None:
    """PostgreSQL: VACUUM ANALYZE after a bulk load, as autovacuum would do soon after it in production (the
    planner's row estimates, the visibility map of index-only scans). SQLite: nothing (the app never runs ANALYZE)."""
    from sqlalchemy import text

    from app.extensions import db

    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))


# Indexes only one side has: "before" runs without the ones this checkout added, "after" without the ones it
# replaced. (create_all does not add indexes to a table that exists.) "before" is branch dash (--before-code
# /work/wt/dash): its covering index of topic_service, without the open-clock index this checkout adds; against
# /work/main, "before" would be main's (day, department_id) index instead of the covering one.
_COVERING = (
    "CREATE INDEX IF NOT EXISTS ix_topic_service_day_clock ON topic_service (day, department_id, assignee_id,"
    " first_response_hours, solution_hours, first_response_at, first_response_due_at, resolved_at,"
    " resolution_due_at, waiting_for_customer)"
)
_OPEN = (
    "CREATE INDEX IF NOT EXISTS ix_topic_service_open ON topic_service (day, department_id, assignee_id,"
    " first_response_at, first_response_due_at, resolved_at, resolution_due_at, waiting_for_customer)"
    " WHERE first_response_at IS NULL OR resolved_at IS NULL"
)
_INDEXES = {"before": [_COVERING], "after": [_COVERING, _OPEN]}
_DROPS = {
    "before": ["DROP INDEX IF EXISTS ix_topic_service_open", "DROP INDEX IF EXISTS ix_topic_service_day_department"],
    "after": ["DROP INDEX IF EXISTS ix_topic_service_day_department"],
}

# Run in a fresh process with the checkout's own code (bench/_support.py and bench/analytics_dashboard.py exist
# in both): one warm-up, then `requests` timed GETs per period; prints {period: [ms, ...]}.
_MEASURE = """
import json, sys, time
from bench import analytics_dashboard as base
from bench._support import fresh_app
backend, workdir, periods, requests = sys.argv[1], sys.argv[2], sys.argv[3].split(","), int(sys.argv[4])
with fresh_app(backend, workdir=workdir) as (app, _):
    app.config.update(ANALYTICS_ENABLED=False, RATELIMIT_ENABLED=False)
    client = app.test_client()
    assert client.post("/login", data={"email": "admin@bench.example", "password": "bench-password-123"}).status_code == 302
    times = {}
    for period in periods:
        url = base._url(period)
        assert client.get(url).status_code == 200
        for _ in range(requests):
            start = time.perf_counter()
            assert client.get(url).status_code == 200
            times.setdefault(period, []).append((time.perf_counter() - start) * 1000)
print("RESULT " + json.dumps(times))
"""


def _compare(args) -> None:
    """Before (args.before_code) and after (this checkout) on the same kept data, alternately, args.rounds times;
    p50/p95 over every sample of a side, in ms and as a ratio to the 300 ms budget."""
    import statistics
    import subprocess
    import sys

    from sqlalchemy import create_engine, text

    from bench._support import pg_url

    assert args.workdir, "--before-code needs --workdir (the data both sides read)"
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    backend = "postgres" if args.backend == "postgres" else "whoosh"
    load_before = os.getloadavg()
    with fresh_app(backend, workdir=args.workdir):
        rows = _loaded() or load(args.scale)
        _analyze()
    url = pg_url() if args.backend == "postgres" else f"sqlite:///{args.workdir}/bench.db"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    samples: dict[str, dict[str, list[float]]] = {}
    for _round in range(args.rounds):
        for variant, code in (("before", args.before_code), ("after", here)):
            engine = create_engine(url)
            with engine.begin() as connection:
                for statement in _DROPS[variant] + _INDEXES[variant]:
                    connection.execute(text(statement))
            engine.dispose()
            done = subprocess.run(
                [sys.executable, "-c", _MEASURE, backend, args.workdir, args.periods, str(args.requests)],
                cwd=code,
                env={**os.environ, "PYTHONPATH": code},
                capture_output=True,
                text=True,
            )
            result = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
            assert result, done.stderr[-3000:]
            for period, times in json.loads(result[-1][len("RESULT ") :]).items():
                samples.setdefault(period, {}).setdefault(variant, []).extend(times)

    def summary(times: list[float]) -> dict:
        times = sorted(times)
        p50, p95 = statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]
        return {
            "n": len(times),
            "p50_ms": round(p50, 1),
            "p95_ms": round(p95, 1),
            "p50_budget": round(p50 / BUDGET_MS, 2),
            "p95_budget": round(p95 / BUDGET_MS, 2),
        }

    periods = {
        period: {variant: summary(times) for variant, times in sides.items()} for period, sides in samples.items()
    }
    for sides in periods.values():
        sides["speedup_p50"] = round(sides["before"]["p50_ms"] / sides["after"]["p50_ms"], 1)
    print(
        json.dumps(
            {
                "backend": args.backend,
                "scale": args.scale,
                "rows": rows,
                "before_code": args.before_code,
                "rounds": args.rounds,
                "periods": periods,
                "budget_ms": BUDGET_MS,
                "loadavg_start": [round(v, 2) for v in load_before],
                "loadavg_end": [round(v, 2) for v in os.getloadavg()],
            }
        )
    )


def _loaded() -> dict | None:
    """Row counts of a kept database, or None when it is empty (or holds another load)."""
    from sqlalchemy import func, select

    from app.analytics import participant_days
    from app.analytics.rollup_models import (
        DailyParticipant,
        MonthlyFunnel,
        MonthlyServiceCounts,
        MonthlyServiceHours,
        ParticipantDay,
        ParticipantDayCount,
        TopicService,
    )
    from app.community.models import Topic
    from app.extensions import db

    topics = db.session.scalar(select(func.count()).select_from(Topic))
    if not topics:
        return None
    if not db.session.scalar(select(func.count()).select_from(ParticipantDay)):
        _participant_days()  # data kept from before participant_days existed
        db.session.commit()
    if not db.session.scalar(select(func.count()).select_from(ParticipantDayCount)):
        participant_days.fill_participant_day_counts(db.session)  # ... or participant_day_counts
        db.session.commit()
    if not db.session.scalar(select(func.count()).select_from(MonthlyFunnel)):
        _funnel_months()  # ... or monthly_funnel
        db.session.commit()
    if not db.session.scalar(select(func.count()).select_from(MonthlyServiceHours)) or not db.session.scalar(
        select(func.count()).select_from(MonthlyServiceCounts)
    ):
        _service_months()  # ... or monthly_service_hours / monthly_service_counts
        db.session.commit()
    return {
        "topics": topics,
        "daily_participants": db.session.scalar(select(func.count()).select_from(DailyParticipant)),
        "participant_days": db.session.scalar(select(func.count()).select_from(ParticipantDay)),
        "topic_service": db.session.scalar(select(func.count()).select_from(TopicService)),
        "reused": True,
    }


def _sql_profile(app, periods: list[str], top: int = 12) -> None:
    """Each SQL statement of one dashboard request (after a warm-up) with its time, slowest first, per period."""
    import sys
    import time

    from sqlalchemy import event

    from app.extensions import db

    timings: list[tuple[float, str]] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("_bench_t", []).append(time.perf_counter())

    def after(conn, cursor, statement, parameters, context, executemany):
        started = conn.info["_bench_t"].pop()
        timings.append(((time.perf_counter() - started) * 1000, " ".join(statement.split())))

    client = app.test_client()
    client.post("/login", data={"email": "admin@bench.example", "password": "bench-password-123"})
    for period in periods:
        client.get(base._url(period))
        timings.clear()
        event.listen(db.engine, "before_cursor_execute", before)
        event.listen(db.engine, "after_cursor_execute", after)
        start = time.perf_counter()
        client.get(base._url(period))
        total = (time.perf_counter() - start) * 1000
        event.remove(db.engine, "before_cursor_execute", before)
        event.remove(db.engine, "after_cursor_execute", after)
        sql_ms = sum(t for t, _ in timings)
        print(
            f"== period {period}: request {total:.0f} ms, {len(timings)} statements, SQL {sql_ms:.0f} ms",
            file=sys.stderr,
        )
        for ms, statement in sorted(timings, reverse=True)[:top]:
            print(f"{ms:8.1f} ms  {statement[:400]}", file=sys.stderr)


def _profile(app) -> None:
    import cProfile
    import pstats

    client = app.test_client()
    client.post("/login", data={"email": "admin@bench.example", "password": "bench-password-123"})
    url = base._url("365")
    client.get(url)
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(url)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(r"app/analytics", 25)


if __name__ == "__main__":
    main()
