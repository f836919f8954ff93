"""What one request costs on the paths a customer repeats: SQL statements and CPU time per request, and where
the time goes (cProfile), for a signed-in customer through the Flask test client (no HTTP, no other clients).

    .venv/bin/python -m bench.request_profile [--backend postgres --redis redis://127.0.0.1:6379/N] \
        [--requests 40] [--profile post] [--sql post] [--json]

Paths: `post` (POST /new, a new topic), `comment` (POST /t/<id>/comments), `topic` (a topic page), `home`
(signed in: no page cache), `suggest` (GET /api/v1/suggest). The app runs with the production settings
(rate limits on with the bench's raised limits, jobs handed to the queue: RQ with --redis, else the worker
thread, whose CPU is not counted: CPU is this thread's time). A fresh database (BENCH_DATABASE_URL for
postgres, a temporary SQLite file otherwise) with --topics generated topics. Prints one JSON line with
statements and CPU ms per request (mean) for each path; --profile PATH prints the cProfile top functions and
--sql PATH the statements of one request of PATH.
"""

from __future__ import annotations

import argparse
import contextvars
import cProfile
import io
import json
import pstats
import random
import statistics
import threading
import time

from bench._support import fresh_app, load_topics
from bench.community_gen import generate, typed_prefixes

PATHS = ("post", "comment", "topic", "home", "suggest")


def _settings(redis_url: str) -> dict:
    """Production-like settings (rate limits on with raised amounts, jobs handed to the queue)."""
    return {
        "REDIS_URL": redis_url,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_POST": "100000/minute",
        "RATELIMIT_POST_NEW": "100000/minute",
        "RATELIMIT_SUGGEST": "100000/minute",
        "RATELIMIT_SIGNIN": "100000/minute",
        "WTF_CSRF_ENABLED": False,
        "JOBS_MODE": "rq" if redis_url else "thread",
        "PAGE_CACHE": True,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("postgres", "sqlite"), default="sqlite")
    parser.add_argument("--redis", default="")
    parser.add_argument("--topics", type=int, default=300)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--profile", action="append", default=[], choices=PATHS)
    parser.add_argument("--sql", action="append", default=[], choices=PATHS)
    parser.add_argument("--followers", type=int, default=0, help="people following every topic (mail fan-out)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.redis:
        import redis

        redis.Redis.from_url(args.redis).flushdb()
    backend = "postgres" if args.backend == "postgres" else "whoosh"
    with fresh_app(backend, settings=_settings(args.redis)) as (app, _workdir):
        result = measure(app, args)
    print(json.dumps(result, ensure_ascii=False))


def _requester(app, topics, category_ids, titles):
    """request(path) -> (response, expected status), as the signed-in customer."""
    rng = random.Random(7)
    fresh = generate(10**9, seed=11)
    client = app.test_client()
    response = client.post("/login", data={"email": "customer@bench.example", "password": "bench-password-123"})
    assert response.status_code == 302, response.status_code

    def request(path: str):
        # outside the bench's app context (a fresh context): each request gets its own app context, `g` and
        # database session, as under a real server
        return contextvars.Context().run(_request, path)

    def _request(path: str):
        if path == "post":
            _k, title, body = next(fresh)
            form = {
                "type": "question",
                "title": title[:200] if len(title) >= 5 else title + " ·····",
                "body": body or "Подробности",
                "category_id": str(rng.choice(category_ids)),
                "mood": "indifferent",
                "confirmed": "1",
            }
            return client.post("/new", data=form), 302
        if path == "comment":
            tid, _url = rng.choice(topics)
            return client.post(f"/t/{tid}/comments", data={"body": f"Ответ {rng.random():.6f}"}), 302
        if path == "topic":
            return client.get(rng.choice(topics)[1]), 200
        if path == "home":
            return client.get("/"), 200
        prefix = rng.choice(typed_prefixes(rng.choice(titles)) or ["карта"])
        return client.get("/api/v1/suggest", query_string={"title": prefix}), 200

    return request


def _followers(n: int) -> None:
    """`n` more people follow every topic (a busy community: each answer is mailed to all of them)."""
    from sqlalchemy import insert, select

    from app.auth import services as auth_services
    from app.community.models import Topic
    from app.extensions import db
    from app.notify.models import COMMENTER, Subscription

    users = [auth_services.create_user_without_password(f"follower{i}@bench.example", f"F {i}") for i in range(n)]
    db.session.flush()
    now = db.func.now()
    for topic_id in db.session.scalars(select(Topic.id)):
        rows = [{"topic_id": topic_id, "user_id": u.id, "is_following": True, "reason": COMMENTER} for u in users]
        if rows:
            db.session.execute(insert(Subscription).values(created_at=now, updated_at=now), rows)
    db.session.commit()


def measure(app, args) -> dict:
    from sqlalchemy import event

    from app.auth import services as auth_services
    from app.community.models import Category, Topic
    from app.extensions import db

    load_topics((i, t, b) for i, (_k, t, b) in enumerate(generate(args.topics)))
    auth_services.register_user("customer@bench.example", "bench-password-123", "Customer")
    db.session.commit()
    _followers(args.followers)
    topics = [(tid, f"/t/{tid}-{Topic(title=title).slug}") for tid, title in db.session.query(Topic.id, Topic.title)]
    category_ids = [c.id for c in db.session.query(Category)]
    titles = [t for _tid, t in db.session.query(Topic.id, Topic.title).limit(200)]
    db.session.remove()
    app.config.update(SEARCH_SYNC="inline", MAIL_SEND="inline")  # the defaults: a job enqueued after each commit
    request = _requester(app, topics, category_ids, titles)

    statements: list[str] = []
    me = threading.get_ident()

    def record(conn, cursor, statement, parameters, context, executemany):
        if threading.get_ident() == me:  # not the worker thread's (SQLite: jobs run in a thread of this process)
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    result: dict = {"backend": args.backend, "redis": bool(args.redis), "topics": args.topics, "paths": {}}
    result["followers"] = args.followers
    for path in PATHS:
        for _ in range(5):  # warm caches filled once per process
            request(path)
        counts, cpu, wall = [], [], []
        # timed by this thread's CPU clock: waits for the database or Redis do not count, as in cpu_ms
        profiler = cProfile.Profile(time.thread_time) if path in args.profile else None
        for i in range(args.requests):
            statements.clear()
            t0, w0 = time.thread_time(), time.perf_counter()
            if profiler:
                profiler.enable()
            response, expected = request(path)
            if profiler:
                profiler.disable()
            cpu.append(time.thread_time() - t0)
            wall.append(time.perf_counter() - w0)
            assert response.status_code == expected, (path, response.status_code)
            counts.append(len(statements))
            if i == 0 and path in args.sql:
                print(f"--- SQL of one {path} request ({len(statements)} statements)")
                for s in statements:
                    print("  ", " ".join(s.split())[:220])
        result["paths"][path] = {
            "statements": round(statistics.fmean(counts), 2),
            "cpu_ms": round(statistics.median(cpu) * 1000, 2),
            "wall_ms": round(statistics.median(wall) * 1000, 2),
        }
        if profiler:
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats("cumulative").print_stats(r"/app/|flask_limiter|flask_login|flask_session|jinja", 60)
            stats.sort_stats("tottime").print_stats(25)
            print(f"--- cProfile of {args.requests} {path} requests")
            print(out.getvalue())
    event.remove(db.engine, "before_cursor_execute", record)
    return result


if __name__ == "__main__":
    main()
