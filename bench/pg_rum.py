"""Suggest's capped candidates from a RUM index ordered by popularity, against today's popularity btree walk,
interleaved per query on one kept database (an experiment: nothing in app/ uses RUM).

    createdb -h 127.0.0.1 -U postgres -T sf2_1m rum_1m          # a copy of a bench.cost_growth database
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/rum_1m .venv/bin/python -m bench.pg_rum \\
        --workdir /tmp/rum_wd [--setup] [--queries 300] [--rule crossover|always] [--writes 6] [--json]

`--setup` adds to the copy (once; it needs the `postgresql-15-rum` package): the extension, a generated column
`rank_key` that orders like today's candidate order (popularity DESC, kind DESC, ref_id DESC) in one integer, and
`USING rum (tsv rum_tsvector_addon_ops, rank_key) WITH (attach='rank_key', to='tsv', order_by_attach='t')`.

When a suggestion is capped (even its rarest word is in more than MAX_CANDIDATES documents), pg_ranking's SQL
chooses the candidates with `ORDER BY d.popularity DESC, d.kind DESC, d.ref_id DESC LIMIT :max_candidates`; the
RUM arm runs the very same SQL with only that ORDER BY replaced by `d.rank_key <=| :rank_top` (RUM's distance
to a value above every key: descending keys) when `use_rum()` says so (RUM reads and sorts every match of the
word in the index, so very common words stay on the walk). Everything else (plan, candidate
count, scoring, page) is pg_ranking's own code. Per query, both arms' suggest() are timed (each first in turn),
then their candidate lists (the subquery alone) and their top-10 suggestions are compared.

`--writes N`: N rounds of an UPDATE (a new lexeme in tsv, popularity + 1) and of an INSERT of 1,000 documents,
rolled back, with the RUM index and without it (`DROP INDEX` inside the rolled-back transaction), interleaved.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time

from sqlalchemy import text

from bench._support import alternate_arms, capped_candidates, fresh_app, ms_summary

# rank_key = popularity quantised to 2^-15 (20 bits), the kind (1 bit: "topic" > "article", as kind DESC orders
# them) and ref_id (32 bits): below 2^53, so RUM's float8 distance (rank_top - rank_key) is exact.
RANK_KEY = """least(floor(popularity * 32768), 1048575)::int8 * 8589934592
    + (CASE kind WHEN 'topic' THEN 1 ELSE 0 END)::int8 * 2147483648 + ref_id"""
RANK_TOP = 2**53 - 1
OLD_ORDER = "ORDER BY d.popularity DESC, d.kind DESC, d.ref_id DESC LIMIT :max_candidates"
NEW_ORDER = "ORDER BY d.rank_key <=| CAST(:rank_top AS int8) LIMIT :max_candidates"
RUM_INDEX = "ix_search_documents_rum"


def setup(conn) -> dict:
    """The extension, the column and the index (each once); their times and the index sizes."""
    took = {}
    started = time.perf_counter()
    conn.execute(text("CREATE EXTENSION IF NOT EXISTS rum"))
    has_key = conn.execute(
        text(
            "SELECT 1 FROM information_schema.columns WHERE table_name = 'search_documents' AND column_name = 'rank_key'"
        )
    ).first()
    if not has_key:
        started = time.perf_counter()
        conn.execute(
            text(f"ALTER TABLE search_documents ADD COLUMN rank_key int8 GENERATED ALWAYS AS ({RANK_KEY}) STORED")
        )
        took["add_column_s"] = round(time.perf_counter() - started, 1)
    if not conn.execute(text("SELECT to_regclass(:i)"), {"i": RUM_INDEX}).scalar():
        started = time.perf_counter()
        conn.execute(
            text(
                f"CREATE INDEX {RUM_INDEX} ON search_documents USING rum (tsv rum_tsvector_addon_ops, rank_key) "
                "WITH (attach = 'rank_key', to = 'tsv', order_by_attach = 't')"
            )
        )
        took["create_index_s"] = round(time.perf_counter() - started, 1)
    conn.execute(text("ANALYZE search_documents"))
    sizes = conn.execute(
        text(
            f"SELECT pg_relation_size('{RUM_INDEX}'), pg_relation_size('ix_search_documents_tsv'), "
            "pg_relation_size('ix_search_documents_popularity'), pg_relation_size('search_documents')"
        )
    ).one()
    mb = [round(s / 2**20, 1) for s in sizes]
    return {**took, "rum_mb": mb[0], "gin_mb": mb[1], "popularity_btree_mb": mb[2], "heap_mb": mb[3]}


def use_rum(bound: int, n_docs: int, rule: str) -> bool:
    """RUM reads and sorts every match of the candidate words (cost ~ their document count, `bound`); the
    popularity walk reads ~ MAX_CANDIDATES x n_docs / bound rows. "crossover": RUM where it reads fewer,
    i.e. bound^2 <= MAX_CANDIDATES x n_docs (bound <= 31,600 at 1,000,000 documents); "always": RUM whenever
    capped."""
    from app.search.backends import pg_ranking

    return rule == "always" or bound * bound <= pg_ranking.MAX_CANDIDATES * n_docs


class _Conn:
    """The ranking connection of one arm: records the SQL, and in the RUM arm swaps the candidate order."""

    def __init__(self, conn, rum: bool, seen: list) -> None:
        self.conn, self.rum, self.seen = conn, rum, seen

    def execute(self, clause, params=None):
        sql = clause.text
        if OLD_ORDER in sql:
            if self.rum:
                sql, params = sql.replace(OLD_ORDER, NEW_ORDER), {**params, "rank_top": RANK_TOP}
            self.seen.append((sql, dict(params)))
        return self.conn.execute(text(sql), params)

    def __getattr__(self, name):
        return getattr(self.conn, name)


def suggest_ab(app, titles: list[str], warm: list[str], rule: str) -> dict:
    from app.extensions import db
    from app.search.backends import pg_ranking

    original, original_candidates = pg_ranking.ranked, pg_ranking.candidate_query
    state = {"arm": "btree", "seen": [], "ranked_s": 0.0, "bound": 0}

    def candidate_query(plan):
        state["bound"] = original_candidates(plan)[1]
        return original_candidates(plan)

    def ranked(conn, plan, stats, *args):
        started = time.perf_counter()
        try:
            pg_ranking.candidate_query(plan)  # its bound decides the arm's source
            rum = state["arm"] == "rum" and use_rum(state["bound"], stats[0], rule)
            return original(_Conn(conn, rum, state["seen"]), plan, stats, *args)
        finally:
            state["ranked_s"] += time.perf_counter() - started

    pg_ranking.ranked, pg_ranking.candidate_query = ranked, candidate_query
    counts = {"capped": 0, "through_rum": 0, "same_candidates": 0, "same_top10": 0}
    differing: list[str] = []
    slowest: list[tuple] = []  # (rum ranking SQL ms, btree ms, the candidate tsquery)

    def after_title(_n, q, got, seen, sql_times):
        counts["same_top10"] += got["btree"] == got["rum"]
        if not (seen["btree"] or seen["rum"]):
            return
        counts["capped"] += 1
        with db.engine.connect() as conn:
            lists = [
                [capped_candidates(conn, s, p, "LIMIT :max_candidates") for s, p in seen[a]] for a in ("btree", "rum")
            ]
        counts["through_rum"] += any(NEW_ORDER in sql for sql, _ in seen["rum"])
        cand_q = seen["btree"][0][1]["cand_q"]
        slowest.append((round(sql_times["rum"][-1] * 1000, 1), round(sql_times["btree"][-1] * 1000, 1), cand_q))
        if lists[0] == lists[1]:
            counts["same_candidates"] += 1
        else:
            differing.append(q)

    try:
        times, sql_times, load = alternate_arms(app, titles, warm, ("btree", "rum"), state, after_title)
    finally:
        pg_ranking.ranked, pg_ranking.candidate_query = original, original_candidates
    capped, through_rum = counts["capped"], counts["through_rum"]
    same_candidates, same_top10 = counts["same_candidates"], counts["same_top10"]
    old, new = ms_summary(times["btree"]), ms_summary(times["rum"])
    old_sql, new_sql = ms_summary(sql_times["btree"]), ms_summary(sql_times["rum"])
    return {
        "queries": len(titles),
        "capped_queries": capped,
        "rule": rule,
        "through_rum": through_rum,
        "btree_suggest_p50_p95_ms": [old["p50_ms"], old["p95_ms"]],
        "rum_suggest_p50_p95_ms": [new["p50_ms"], new["p95_ms"]],
        "suggest_ratio_p50_p95": [round(new["p50_ms"] / old["p50_ms"], 3), round(new["p95_ms"] / old["p95_ms"], 3)],
        "btree_ranking_sql_p50_p95_ms": [old_sql["p50_ms"], old_sql["p95_ms"]],
        "rum_ranking_sql_p50_p95_ms": [new_sql["p50_ms"], new_sql["p95_ms"]],
        "same_candidate_lists": f"{same_candidates}/{capped}",
        "same_top10": f"{same_top10}/{len(titles)}",
        "differing": differing[:5],
        "slowest_rum": sorted(slowest, reverse=True)[:8],
        "load_average": [round(min(load), 1), round(max(load), 1)],
    }


def writes(engine, rounds: int) -> dict:
    """UPDATE / INSERT of 1,000 documents, rolled back, with and without the RUM index, interleaved."""
    rng = random.Random(5)
    with engine.connect() as conn:
        ids = [r[0] for r in conn.execute(text("SELECT ref_id FROM search_documents WHERE kind = 'topic'"))]
    columns = (
        "kind, ref_id, title_terms, answer_terms, body_terms, also_terms, term_count, title_term_count, tsv, type, "
        "status, category_id, department_id, author_id, visibility, has_answer, popularity, updated_at"
    )
    statements = {
        "update": "UPDATE search_documents SET tsv = tsv || 'zzrumprobe'::tsvector, popularity = popularity + 1 "
        "WHERE kind = 'topic' AND ref_id = ANY(:ids)",
        "insert": f"INSERT INTO search_documents ({columns}) SELECT {columns.replace('ref_id', 'ref_id + 500000000')} "
        "FROM search_documents WHERE kind = 'topic' AND ref_id = ANY(:ids)",
    }
    took: dict[str, list[float]] = {f"{w}_{a}": [] for w in statements for a in ("gin", "rum")}
    load = [os.getloadavg()[0]]
    for n in range(rounds):
        chosen = rng.sample(ids, 1000)
        for what, sql in statements.items():
            for arm in ("gin", "rum") if n % 2 == 0 else ("rum", "gin"):
                with engine.connect() as conn:
                    trans = conn.begin()
                    if arm == "gin":
                        conn.execute(text(f"DROP INDEX {RUM_INDEX}"))
                    started = time.perf_counter()
                    conn.execute(text(sql), {"ids": chosen})
                    took[f"{what}_{arm}"].append(time.perf_counter() - started)
                    trans.rollback()
        load.append(os.getloadavg()[0])
    medians = {f"{k}_median_ms": round(statistics.median(v) * 1000, 1) for k, v in took.items()}
    for what in statements:
        medians[f"{what}_ratio"] = round(medians[f"{what}_rum_median_ms"] / medians[f"{what}_gin_median_ms"], 2)
    return {"rounds": rounds, **medians, "load_average": [round(min(load), 1), round(max(load), 1)]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pg_rum", description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", required=True, help="the workdir of the kept database")
    parser.add_argument("--setup", action="store_true", help="add the extension, rank_key and the RUM index first")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--writes", type=int, default=0, help="rounds of the write-cost measure (0: none)")
    parser.add_argument("--rule", default="crossover", choices=("crossover", "always"), help="see use_rum()")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("OTKLIK_LOG_LEVEL", "WARNING")
    from bench.suggest_ab import _titles

    warm, measured = _titles("growth", args.queries)  # bench.suggest_ab's PostgreSQL titles
    line: dict = {}
    with fresh_app("postgres", workdir=args.workdir, settings={"SEARCH_SUGGEST_CACHE": False}) as (app, _):
        from app.extensions import db

        if args.setup:
            with db.engine.begin() as conn:
                line["setup"] = setup(conn)
        if args.queries:
            line["suggest"] = suggest_ab(app, measured, warm, args.rule)
        if args.writes:
            line["writes"] = writes(db.engine, args.writes)
    print(json.dumps(line, ensure_ascii=False) if args.json else json.dumps(line, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
