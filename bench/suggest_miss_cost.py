"""Where a suggest cache miss's time goes on the recurring-questions community (bench/suggest_recurring.py's data).

    python -m bench.suggest_miss_cost --backend whoosh|postgres --docs 5000 --workdir DIR [--queries 300] \
        [--profile 25] [--json]

Loads the community of bench.suggest_recurring into DIR once (a second run with the same DIR and --docs reuses
it; for postgres the tables of BENCH_DATABASE_URL are kept), then ranks --queries typed prefixes of the recurring
questions one after the other with the suggest cache off, and prints p50 / p95 of `service.suggest()` and the
mean milliseconds per query of its phases: planning the query (`planning.plan_query`, the vocabulary and typo
corrections), the backend's ranking (`_execute`), the sentence encoder (English titles), the vectors read for
re-ranking, and presenting the hits (`service._present`: visibility re-checked in the database, highlighting).
A phase's time includes the phases it calls. --profile N adds cProfile's N most expensive functions (cumulative).
--out FILE writes every query's suggestions, as the API returns them, to compare two checkouts on the same data:
run this file with PYTHONPATH=/path/to/other-checkout from that checkout (its app, this bench) and compare the files.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import sys
import time
from collections import defaultdict

from bench._support import fresh_app, load_topics, ms_summary, print_result
from bench.community_gen import generate, typed_prefixes
from bench.suggest_recurring import _variant, corpus


def _timed(holder, name: str, phase: str, spent: dict) -> None:
    original = getattr(holder, name)

    def wrapper(*a, **kw):
        started = time.perf_counter()
        try:
            return original(*a, **kw)
        finally:
            spent[phase] += time.perf_counter() - started

    setattr(holder, name, wrapper)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.suggest_miss_cost", description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", default="whoosh", choices=("whoosh", "postgres"))
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--recurring", type=int, default=20)
    parser.add_argument("--dup-share", type=float, default=0.5)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--profile", type=int, default=0, help="print cProfile's N most expensive functions")
    parser.add_argument("--out", default="", help="write every query's suggestions (JSON) to this file")
    parser.add_argument("--seed", type=int, default=1551)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    with fresh_app(args.backend, workdir=args.workdir) as (app, _):
        from app.community.models import Topic
        from app.extensions import db
        from app.search import planning, service
        from app.search.backends import get_backend
        from app.search.documents import Scope
        from app.search.semantic import minilm, store

        have = db.session.query(Topic).count()
        if have == 0:
            load_topics(corpus(args.docs, args.recurring, args.dup_share, args.seed), batch=1000)
            db.session.commit()
            have = db.session.query(Topic).count()
        app.config["SEARCH_SUGGEST_CACHE"] = False
        pool = [(t, b) for _, t, b in generate(args.recurring, seed=args.seed + 7)]
        rng = random.Random(5)
        queries: list[str] = []
        while len(queries) < args.queries:
            queries += typed_prefixes(_variant(rng, *rng.choice(pool))[0])
        queries = queries[: args.queries]
        backend = get_backend()
        scope = Scope()
        with app.test_request_context("/"):
            service.suggest(queries[0], "", scope, limit=5)  # warm: models, vocabulary, per-segment caches
        spent: dict[str, float] = defaultdict(float)
        _timed(planning, "plan_query", "plan", spent)
        _timed(type(backend), "_execute", "rank", spent)
        _timed(service, "_present", "present", spent)
        if minilm.encoder() is not None:
            _timed(type(minilm.encoder()), "encode_one", "encode", spent)
        _timed(store, "get_text", "vectors", spent)
        profiler = cProfile.Profile() if args.profile else None
        times, suggestions = [], []
        for query in queries:
            with app.test_request_context("/"):
                started = time.perf_counter()
                if profiler:
                    profiler.enable()
                suggestions.append(service.suggest(query, "", scope, limit=5))
                if profiler:
                    profiler.disable()
                times.append(time.perf_counter() - started)
    line = {
        "backend": args.backend,
        "topics": have,
        "queries": len(times),
        **ms_summary(times),
        "phase_mean_ms": {k: round(v * 1000 / len(times), 2) for k, v in sorted(spent.items())},
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }
    if args.out:
        with open(args.out, "w") as f:
            json.dump([{"query": q, "suggestions": s} for q, s in zip(queries, suggestions)], f, ensure_ascii=False)
    print_result(line, args.json)
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.profile)
        print(out.getvalue(), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
