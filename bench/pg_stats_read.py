"""The first suggestion after a drain, PostgreSQL backend: collection statistics counted vs kept (search_stats).

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/COPY python -m bench.pg_stats_read [--rounds 40]

Runs on a kept database (a copy of a bench_growth_* database: it rebuilds search_stats there, so never on the
original). Every round, for each variant in alternating order: index_changed() (what every process does when the
shared index version moves after a drain), then one suggest for a title prefix of a recent topic. "counted" is
the backend before search_stats (count(*) / avg() over search_documents), "kept" the primary-key read of the row.
Also times the statistics read alone and a suggest with the statistics cached (no drain), and checks that both
variants give the same figures. Prints p50 in ms and the ratios.
"""

from __future__ import annotations

import argparse
import json
import time

from bench._support import fresh_app, ms_summary

OLD_STATS_SQL = (
    "SELECT count(*), coalesce(avg(title_term_count), 0), coalesce(avg(term_count - title_term_count), 0) "
    "FROM search_documents"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()

    from sqlalchemy import text

    from app.extensions import db
    from app.search.backends.postgres_backend import PostgresBackend
    from app.search.documents import Scope

    class Counted(PostgresBackend):
        def _collection_stats(self, conn):
            n, avg_title, avg_rest = conn.execute(text(OLD_STATS_SQL)).one()
            return int(n), max(float(avg_title), 1.0), max(float(avg_rest), 1.0)

    settings = {"SEARCH_SUGGEST_CACHE": False}
    with fresh_app("postgres", workdir="/tmp/otklik-pg-stats-read", settings=settings) as (app, _):
        kept, counted = PostgresBackend(), Counted()
        kept.recount_stats()  # the copy was loaded in bulk SQL, as the migration fills it
        with db.engine.connect() as conn:
            assert kept._collection_stats(conn) == counted._collection_stats(conn), "statistics differ"
            size = conn.execute(text("SELECT documents FROM search_stats")).scalar_one()
            titles = conn.execute(text("SELECT title FROM topics ORDER BY id DESC LIMIT 20")).scalars().all()
        prefixes = [" ".join(t.split()[:2])[:-1] for t in titles]
        times: dict[str, list[float]] = {"first_counted": [], "first_kept": [], "warm": [], "read_counted": []}
        times["read_kept"] = []
        for i in range(args.rounds):
            q = prefixes[i % len(prefixes)]
            for name, backend in (("counted", counted), ("kept", kept))[:: 1 if i % 2 else -1]:
                backend.index_changed()
                start = time.perf_counter()
                hits = backend.search(q, Scope(), mode="suggest", limit=8).hits
                times[f"first_{name}"].append(time.perf_counter() - start)
            assert [h.id for h in hits] == [h.id for h in counted.search(q, Scope(), mode="suggest", limit=8).hits]
            start = time.perf_counter()
            kept.search(q, Scope(), mode="suggest", limit=8)
            times["warm"].append(time.perf_counter() - start)
            for name, backend in (("counted", counted), ("kept", kept)):
                backend.index_changed()
                with db.engine.connect() as conn:
                    start = time.perf_counter()
                    backend._collection_stats(conn)
                    times[f"read_{name}"].append(time.perf_counter() - start)
        p50 = {name: ms_summary(values)["p50_ms"] for name, values in times.items()}
        p50["documents"] = size
        p50["ratio_first_kept_to_counted"] = round(p50["first_kept"] / p50["first_counted"], 3)
        p50["ratio_read_kept_to_counted"] = round(p50["read_kept"] / p50["read_counted"], 4)
        print(json.dumps(p50, indent=1))


if __name__ == "__main__":
    main()
