"""Suggest's capped candidates through pg_ranking's popularity tiers against the popularity btree walk alone,
interleaved per query on one kept database.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/DB .venv/bin/python -m bench.pg_tiers \\
        --workdir /tmp/tiers_wd [--queries 300] [--band LOW,HIGH] [--json]

DB is a database kept by bench.cost_growth (`--sizes N --requests 1 --reuse DIR`). When a suggestion is capped
(even its rarest word is in more than MAX_CANDIDATES documents), pg_ranking chooses the candidates with
`ORDER BY d.popularity DESC, d.kind DESC, d.ref_id DESC LIMIT :max_candidates`: a backward walk of
ix_search_documents_popularity that tests every row it passes for the word. With tiers (pg_ranking.tiers_to_ask)
it first asks the same SQL restricted to the documents whose key is at least the key at the top fraction f of
the documents (a BitmapAnd of the word's GIN bitmap and btree ranges), and the walk only when the tier holds fewer
than MAX_CANDIDATES matches. The tiers are taken once at the start (`refresh_tiers`, timed). Arm "walk" is the
same code with no tiers. `--band 0,1`: tiers for every capped suggestion (pg_ranking.TIER_BAND overridden).

Per query both arms' suggest() are timed (each first in turn); then their candidate lists (the subqueries that
answered, alone) and top-10 suggestions are compared.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from bench._support import CAPPED_ORDER as ORDER
from bench._support import alternate_arms, capped_candidates, fresh_app, ms_summary, print_result


class _Conn:
    """The ranking connection of one arm: records the capped statements (the last one answered)."""

    def __init__(self, conn, seen: list) -> None:
        self.conn, self.seen = conn, seen

    def execute(self, clause, params=None):
        if ORDER in clause.text:
            self.seen.append((clause.text, dict(params)))
        return self.conn.execute(clause, params)

    def __getattr__(self, name):
        return getattr(self.conn, name)


def suggest_ab(app, titles: list[str], warm: list[str]) -> dict:
    from app.extensions import db
    from app.search.backends import get_backend, pg_ranking

    started = time.perf_counter()
    tiers = get_backend().refresh_tiers()
    refresh_s = time.perf_counter() - started
    original, original_candidates = pg_ranking.ranked, pg_ranking.candidate_query
    state = {"arm": "walk", "seen": [], "ranked_s": 0.0, "bound": 0}

    def ranked(conn, plan, stats, restrict, mode, limit, offset, tiers=(), hot=None):
        started = time.perf_counter()
        try:
            state["bound"] = original_candidates(plan)[1]
            asked, hot = (tiers, hot) if state["arm"] == "tiers" else ((), None)
            return original(_Conn(conn, state["seen"]), plan, stats, restrict, mode, limit, offset, asked, hot)
        finally:
            state["ranked_s"] += time.perf_counter() - started

    pg_ranking.ranked = ranked
    counts = {"capped": 0, "same_candidates": 0, "same_top10": 0, "through_tiers": 0, "widened": 0}
    differing: list[str] = []
    by_bound: dict[int, list[tuple[float, float]]] = {}

    def after_title(_n, q, got, seen, sql_times):
        counts["same_top10"] += got["walk"] == got["tiers"]
        if not seen["walk"]:
            return
        counts["capped"] += 1
        asked = [sql for sql, _ in seen["tiers"] if ":tier_p" in sql]
        counts["through_tiers"] += bool(asked) and ":tier_p" in seen["tiers"][-1][0]
        counts["widened"] += len(asked) > 1 or (bool(asked) and ":tier_p" not in seen["tiers"][-1][0])
        with db.engine.connect() as conn:  # the statements that answered, their candidates alone
            lists = [capped_candidates(conn, *seen[a][-1]) for a in ("walk", "tiers")]
        counts["same_candidates"] += lists[0] == lists[1]
        if lists[0] != lists[1]:
            differing.append(q)
        by_bound.setdefault(state["bound"], []).append((sql_times["walk"][-1], sql_times["tiers"][-1]))

    try:
        times, sql_times, load = alternate_arms(app, titles, warm, ("walk", "tiers"), state, after_title)
    finally:
        pg_ranking.ranked = original
    capped, same_candidates, same_top10 = counts["capped"], counts["same_candidates"], counts["same_top10"]
    through_tiers, widened = counts["through_tiers"], counts["widened"]
    old, new = ms_summary(times["walk"]), ms_summary(times["tiers"])
    old_sql, new_sql = ms_summary(sql_times["walk"]), ms_summary(sql_times["tiers"])
    return {
        "queries": len(titles),
        "capped_queries": capped,
        "band": list(pg_ranking.TIER_BAND),
        "tiers": len(tiers),
        "refresh_tiers_ms": round(refresh_s * 1000, 1),
        "answered_by_a_tier": through_tiers,
        "widened": widened,
        "walk_suggest_p50_p95_ms": [old["p50_ms"], old["p95_ms"]],
        "tiers_suggest_p50_p95_ms": [new["p50_ms"], new["p95_ms"]],
        "suggest_ratio_p50_p95": [round(new["p50_ms"] / old["p50_ms"], 3), round(new["p95_ms"] / old["p95_ms"], 3)],
        "walk_ranking_sql_p50_p95_ms": [old_sql["p50_ms"], old_sql["p95_ms"]],
        "tiers_ranking_sql_p50_p95_ms": [new_sql["p50_ms"], new_sql["p95_ms"]],
        "same_candidate_lists": f"{same_candidates}/{capped}",
        "same_top10": f"{same_top10}/{len(titles)}",
        "differing": differing[:5],
        # per candidate document count: queries, median ranking SQL ms walk / tiers
        "by_bound": {
            b: [len(v), _median([w for w, _ in v]), _median([t for _, t in v])] for b, v in sorted(by_bound.items())
        },
        "load_average": [round(min(load), 1), round(max(load), 1)],
    }


def _median(seconds: list[float]) -> float:
    return round(sorted(seconds)[len(seconds) // 2] * 1000, 1)


def main(argv=None) -> int:
    from bench.suggest_ab import _titles

    parser = argparse.ArgumentParser(prog="python -m bench.pg_tiers", description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", required=True, help="the workdir of the kept database")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--band", default="", help="LOW,HIGH: pg_ranking.TIER_BAND for this run (e.g. 0,1: always)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("OTKLIK_LOG_LEVEL", "WARNING")
    warm, measured = _titles("growth", args.queries)
    with fresh_app("postgres", workdir=args.workdir, settings={"SEARCH_SUGGEST_CACHE": False}) as (app, _):
        if args.band:
            from app.search.backends import pg_ranking

            pg_ranking.TIER_BAND = tuple(float(x) for x in args.band.split(","))
        line = suggest_ab(app, measured, warm)
    print_result(line, args.json, width=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
