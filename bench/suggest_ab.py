"""suggest() with some modules of another checkout against this checkout's, interleaved per query (one process,
one kept database or index: the machine's load hits both alike).

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/DB .venv/bin/python -m bench.suggest_ab \\
        --backend postgres --workdir DIR --checkout /path/to/main --modules app.search.backends.pg_ranking \\
        [--titles growth|latency] [--queries 300] [--json]

Each listed module is loaded a second time from the other checkout's file; every `app.*` module that imported it
as a module (`from app.search.backends import pg_ranking`) is pointed at one copy or the other before each query
(names imported from it directly are not swapped: list only modules used as modules); the other copies refer to
each other (the other `rank`'s `minilm` is the other `minilm`). The data: a database or
folder kept by bench.cost_growth (`--titles growth`: its typed titles) or bench.search_latency (`--titles latency`).
The suggest cache is off (every query is ranked). Prints p50 / p95 of both and their ratios, for all queries and for
the Latin-letter ones (`latin_*`: what the English sentence encoder embeds), wall and this thread's CPU time
(`cpu_*`), and how many of the queries got the same suggestions (and the same scores).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import sys
import time
import types

from bench._support import fresh_app, ms_summary, print_result
from bench.community_gen import generate, typed_prefixes


def _titles(kind: str, n: int) -> tuple[list[str], list[str]]:
    if kind == "latency":
        from bench.search_latency import _queries

        return _queries(n, seed=1552)  # what bench.search_latency measures (its default seed + 1)
    rng = random.Random(7)
    titles = [title for _k, title, _b in generate(200, seed=99)]
    typed = [rng.choice(typed_prefixes(rng.choice(titles))) for _ in range(n + 30)]
    return typed[:30], typed[30:]


def _other(name: str, checkout: str):
    path = os.path.join(checkout, *name.split(".")) + ".py"
    spec = importlib.util.spec_from_file_location(f"{name}__other", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _users(module) -> list[tuple[object, str]]:
    """(holder, attribute) of every reference to the module: modules that imported it, and the search kinds whose
    functions (present, loader, all_ids) it defines (app.search.documents keeps them in its registry)."""
    from app.search import documents

    users = [
        (user, attr)
        for mod_name, user in list(sys.modules.items())
        if mod_name.startswith("app.") and user is not None
        for attr, value in list(vars(user).items())
        if value is module
    ]
    for name in documents.kinds():
        kind = documents.get_kind(name)
        users += [
            (kind, attr)
            for attr in ("present", "loader", "all_ids")
            if getattr(getattr(kind, attr), "__module__", None) == module.__name__
        ]
    return users


def _put(holder, attr, value) -> None:
    object.__setattr__(holder, attr, value)  # the search kinds are frozen dataclasses


def _arms(names: list[str], checkout: str) -> dict[str, list[tuple[object, str, object]]]:
    """{"other" | "this": [(holder, attribute, value)]}: what to set before a query of that arm."""
    arms = {"other": [], "this": []}
    copies = {}  # this module -> the other checkout's copy
    for name in names:
        this = importlib.import_module(name)
        other = copies[this] = _other(name, checkout)
        for user, attr in _users(this):
            value = getattr(user, attr)
            if value is this:
                arms["this"].append((user, attr, this))
                arms["other"].append((user, attr, other))
            else:  # a function of the module, held by a registered search kind
                arms["this"].append((user, attr, value))
                arms["other"].append((user, attr, getattr(other, value.__name__)))
    for other in copies.values():  # the other copies use each other (e.g. its rank's `minilm` is its minilm)
        for attr, value in list(vars(other).items()):
            if isinstance(value, types.ModuleType) and value in copies:
                setattr(other, attr, copies[value])
    return arms


def _summary(times: dict[str, list[float]], latin: list[bool], kind: str = "") -> dict:
    """p50 / p95 of both arms and their ratios: all queries, then the Latin-letter ones (`latin_*`: those the
    English sentence encoder embeds)."""
    line = {} if kind else {"latin_queries": sum(latin)}
    subsets = {kind: range(len(latin)), f"{kind}latin_": [n for n, is_latin in enumerate(latin) if is_latin]}
    for prefix, picked in subsets.items():
        other = ms_summary([times["other"][n] for n in picked])
        this = ms_summary([times["this"][n] for n in picked])
        line[f"{prefix}other_p50_p95_ms"] = [other["p50_ms"], other["p95_ms"]]
        line[f"{prefix}this_p50_p95_ms"] = [this["p50_ms"], this["p95_ms"]]
        line[f"{prefix}p50_ratio"] = round(this["p50_ms"] / max(other["p50_ms"], 1e-9), 3)
        line[f"{prefix}p95_ratio"] = round(this["p95_ms"] / max(other["p95_ms"], 1e-9), 3)
    return line


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.suggest_ab", description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", default="postgres", choices=("whoosh", "postgres"))
    parser.add_argument("--workdir", required=True, help="the kept folder (whoosh) or the workdir of the kept database")
    parser.add_argument("--checkout", required=True, help="the other checkout (e.g. a worktree of main)")
    parser.add_argument("--modules", default="app.search.backends.pg_ranking", help="comma-separated module names")
    parser.add_argument("--titles", default="growth", choices=("growth", "latency"))
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("OTKLIK_LOG_LEVEL", "WARNING")
    warm, measured = _titles(args.titles, args.queries)
    with fresh_app(args.backend, workdir=args.workdir, settings={"SEARCH_SUGGEST_CACHE": False}) as (app, _):
        from app import search  # search.service, looked up per call: `--modules app.search.service` swaps it
        from app.search import analysis
        from app.search.documents import Scope

        with app.test_request_context("/"):  # imports what the first suggestion imports (the backend's module)
            search.service.suggest(warm[0], "", Scope(), limit=5)
        arms = _arms(args.modules.split(","), args.checkout)
        times: dict[str, list[float]] = {"other": [], "this": []}
        cpu_times: dict[str, list[float]] = {"other": [], "this": []}  # this thread's CPU (less hit by the load)
        latin = [analysis.is_latin_text(q) for q in measured]
        same = same_scores = 0
        load = [os.getloadavg()[0]]
        scope = Scope()
        with app.test_request_context("/"):
            for arm in arms.values():  # warm both (caches, the model, the database's pages)
                for user, attr, module in arm:
                    _put(user, attr, module)
                for q in warm:
                    search.service.suggest(q, "", scope, limit=5)
            for n, q in enumerate(measured):
                got = {}
                for name in ("other", "this") if n % 2 == 0 else ("this", "other"):
                    for user, attr, module in arms[name]:
                        _put(user, attr, module)
                    started, cpu = time.perf_counter(), time.thread_time()
                    got[name] = search.service.suggest(q, "", scope, limit=5)
                    times[name].append(time.perf_counter() - started)
                    cpu_times[name].append(time.thread_time() - cpu)
                same += [i["id"] for i in got["this"]] == [i["id"] for i in got["other"]]
                same_scores += [(i["id"], i["score"]) for i in got["this"]] == [
                    (i["id"], i["score"]) for i in got["other"]
                ]
                if n % 50 == 0:
                    load.append(os.getloadavg()[0])
            for user, attr, module in arms["this"]:
                _put(user, attr, module)
        line = {
            "backend": args.backend,
            "queries": len(measured),
            **_summary(times, latin),
            **_summary(cpu_times, latin, "cpu_"),
        }
        line["same_suggestions"] = f"{same}/{len(measured)}"
        line["same_scores"] = f"{same_scores}/{len(measured)}"
        line["load_average"] = [round(min(load), 1), round(max(load), 1)]
    print_result(line, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
