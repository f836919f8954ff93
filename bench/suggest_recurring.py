"""Suggest when the same questions recur: a busy community where many customers keep asking similar questions.

    python -m bench.suggest_recurring [--backend whoosh|postgres] [--docs 20000] [--customers 50] \
        [--seconds 40] [--redis redis://127.0.0.1:6379/N] --json

Loads --docs synthetic topics (bench/community_gen.py) of which --dup-share are near-duplicates of
--recurring questions (the same title with small changes, the same sentences in another order), so a
typed recurring question matches thousands of near-duplicates. Then --customers threads (visitors, or
signed-in customers with --signed-in) each type one of the recurring questions (word and mid-word prefixes,
bench/community_gen.typed_prefixes), pausing about 1 s (0.8-1.2 s) after each suggest, while a writer posts
a new topic every --write-every seconds (each write changes the index version). Every suggest goes through
app.search.service.suggest(). The same scenario runs twice in one process, first without the suggest cache
(SEARCH_SUGGEST_CACHE=0) and then with it, and prints p50/p95 of both and their ratio. --compare-carry adds a
run between them with the cache's increment check off (suggest_cache.CARRY_SECONDS = 0: every write empties
the cache, as before issue 16 part 2), reported as `cache_every_write_invalidates`. Each run also reports the
cores used (this process: the customers and the suggest code they call; PostgreSQL; Redis; the rest of the
machine), the load average and the database connections opened; the pool keeps one connection per customer thread,
as each server worker keeps its own.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import threading
import time
import uuid

from sqlalchemy import event

from bench import cpu_split
from bench._support import fresh_app, load_topics, ms_summary, print_result
from bench.community_gen import generate, typed_prefixes


def _variant(rng: random.Random, title: str, body: str) -> tuple[str, str]:
    words = title.split()
    if len(words) > 3 and rng.random() < 0.5:
        words.pop(rng.randrange(1, len(words)))
    if rng.random() < 0.3:
        words.append(rng.choice(["?", "срочно", "помогите", "терміново", "please"]))
    sentences = body.split(". ")
    rng.shuffle(sentences)
    return " ".join(words), ". ".join(sentences)


def corpus(n: int, recurring: int, dup_share: float, seed: int):
    rng = random.Random(seed)
    pool = [(title, body) for _, title, body in generate(recurring, seed=seed + 7)]
    fresh = generate(n, seed=seed)
    for i in range(n):
        _, title, body = next(fresh)
        if rng.random() < dup_share:
            title, body = _variant(rng, *rng.choice(pool))
        yield i, title, body
    return pool


def _customer(app, scope, pool, rng, stop_at, times, errors):
    from app.search import service

    while time.monotonic() < stop_at:
        title, _ = _variant(rng, *rng.choice(pool))
        for prefix in typed_prefixes(title):
            if time.monotonic() >= stop_at:
                return
            started = time.perf_counter()
            try:
                # one request context per request, as a server has: its database connection goes back
                # to the pool at the end
                with app.test_request_context("/"):
                    service.suggest(prefix, "", scope, limit=5)
            except Exception as error:  # counted, the run goes on
                errors.append(repr(error))
            times.append(time.perf_counter() - started)
            time.sleep(rng.uniform(0.8, 1.2))


def _writer(app, author_id, category_id, pool, every, stop_at, written):
    from app.community.services import create_topic
    from app.extensions import db
    from app.search import outbox

    rng = random.Random(99)
    from app.auth.models import User

    while time.monotonic() + every < stop_at:
        time.sleep(every)
        title, body = _variant(rng, *rng.choice(pool))
        with app.app_context():
            author = db.session.get(User, author_id)
            create_topic(author, "question", title, body or "…", category_id, mood="indifferent")
            db.session.commit()
            outbox.drain()
            written.append(1)


def scenario(app, pool, args, cache: bool, carry: bool = True) -> dict:
    from app.auth.models import User
    from app.community.models import Category
    from app.extensions import db
    from app.search import suggest_cache
    from app.search.documents import Scope

    app.config["SEARCH_SUGGEST_CACHE"] = cache
    app.config["SEARCH_CACHE_PREFIX"] = f"bench-{uuid.uuid4().hex}"  # each run starts with an empty cache
    carry_seconds = suggest_cache.CARRY_SECONDS
    suggest_cache.CARRY_SECONDS = carry_seconds if carry else 0.0
    author_id = db.session.query(User.id).order_by(User.id).first()[0]
    category_id = db.session.query(Category.id).order_by(Category.id).first()[0]
    times: list[float] = []
    errors: list[str] = []
    written: list[int] = []
    from app.search import service
    from app.search.semantic import rank

    computed: list[int] = []

    def counted(*a, **kw):  # how many requests missed the cache and were ranked
        computed.append(1)
        return rank.suggest_hits(*a, **kw)

    service.semantic_rank = type("CountingRank", (), {"suggest_hits": staticmethod(counted)})
    opened: list[int] = []  # database connections opened during the run (a pool too small for the threads churns)

    def count_connect(*_):
        opened.append(1)

    event.listen(db.engine, "connect", count_connect)
    database = db.engine.url.database if db.engine.dialect.name == "postgresql" else ""
    cpu_before, wall_before = cpu_split.snapshot({"bench": [os.getpid()]}, database, alone=("bench",)), time.monotonic()
    stop_at = time.monotonic() + args.seconds
    threads = [
        threading.Thread(
            target=_customer,
            args=(
                app,
                Scope(user_id=1000 + i if args.signed_in else None),
                pool,
                random.Random(i),
                stop_at,
                times,
                errors,
            ),
        )
        for i in range(args.customers)
    ]
    threads.append(
        threading.Thread(target=_writer, args=(app, author_id, category_id, pool, args.write_every, stop_at, written))
    )
    for i, thread in enumerate(threads):
        thread.start()
        if i < args.customers:
            time.sleep(1.0 / args.customers)  # customers arrive spread over the first second
    for thread in threads:
        thread.join()
    cpu = cpu_split.split(
        cpu_before,
        cpu_split.snapshot({"bench": [os.getpid()]}, database, alone=("bench",)),
        time.monotonic() - wall_before,
    )
    event.remove(db.engine, "connect", count_connect)
    service.semantic_rank = rank
    suggest_cache.CARRY_SECONDS = carry_seconds
    return {
        "requests": len(times),
        **ms_summary(times),
        "ranked": len(computed),
        "errors": len(errors),
        "topics_written": len(written),
        "connections_opened": len(opened),
        # cores used: this process (customers and the suggest code they call, one GIL), this database's
        # PostgreSQL backends, Redis, everything else, and the whole machine (load: os.getloadavg)
        "cores": cpu.get("cores", {}),
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.suggest_recurring", description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", default="whoosh", choices=("whoosh", "postgres"))
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--recurring", type=int, default=20, help="distinct recurring questions")
    parser.add_argument("--dup-share", type=float, default=0.5, help="share of topics that are near-duplicates")
    parser.add_argument("--customers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=40.0, help="length of each of the two runs")
    parser.add_argument("--write-every", type=float, default=5.0, help="seconds between new topics")
    parser.add_argument("--signed-in", action="store_true", help="customers are signed in (own cache entries)")
    parser.add_argument("--redis", default="", help="REDIS_URL for the shared cache (default: per-process cache)")
    parser.add_argument("--compare-carry", action="store_true", help="also run the cache without its increment check")
    parser.add_argument("--seed", type=int, default=1551)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    # One pooled connection per thread, as each gunicorn worker (thread) keeps its own: with SQLAlchemy's default
    # pool (5 + 10 overflow) the 50 customers' threads opened and closed 30-60 PostgreSQL connections per run.
    engine_options = {"pool_pre_ping": True, "pool_size": args.customers + 2, "max_overflow": 10}
    with fresh_app(args.backend, settings={"SQLALCHEMY_ENGINE_OPTIONS": engine_options}) as (app, _):
        app.config["REDIS_URL"] = args.redis
        app.config["SEARCH_CACHE_PREFIX"] = f"bench-{uuid.uuid4().hex}"  # entries of this run only
        pool = [(t, b) for _, t, b in generate(args.recurring, seed=args.seed + 7)]
        _, stats = load_topics(corpus(args.docs, args.recurring, args.dup_share, args.seed), batch=1000)
        from app.extensions import db

        db.session.commit()
        before = scenario(app, pool, args, cache=False)
        no_carry = scenario(app, pool, args, cache=True, carry=False) if args.compare_carry else None
        after = scenario(app, pool, args, cache=True)
    line = {
        "backend": args.backend,
        "docs": args.docs,
        "customers": args.customers,
        "cache": "redis" if args.redis else "process",
        "without_cache": before,
        "with_cache": after,
        "p95_ratio": round(after["p95_ms"] / max(before["p95_ms"], 1e-9), 3),
        **(
            {
                "cache_every_write_invalidates": no_carry,
                "p95_ratio_carry": round(after["p95_ms"] / max(no_carry["p95_ms"], 1e-9), 3),
            }
            if no_carry
            else {}
        ),
        "load_s": round(stats.seconds, 1),
    }
    print_result(line, args.json, width=14)
    return 0


if __name__ == "__main__":
    sys.exit(main())
