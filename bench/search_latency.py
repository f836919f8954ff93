"""Suggest latency over a big synthetic community.

    python -m bench.search_latency --docs 100000 --json [--backend whoosh|postgres] [--queries 300]

Generates N bilingual bank-support topics (bench/community_gen.py), loads them through the real path
(community services -> outbox -> one drain per batch -> backend), then measures p50/p95 of
- app.search.service.suggest() called directly,
- GET /api/v1/suggest?title=... through the Flask test client,
- the same over a real HTTP server on 127.0.0.1 (werkzeug, threaded; urllib client),
- a bare Flask "hello" route over the same HTTP path, for scale,
for titles as they are typed (word and mid-word prefixes of fresh generated titles). The first queries
after loading warm the caches (as on a running server) and are reported separately.
Prints one JSON line.
"""

from __future__ import annotations

import argparse
import random
import sys
import threading
import time
import urllib.parse
import urllib.request

from bench._support import add_settings_argument, fresh_app, load_topics, ms_summary, parse_settings, print_result
from bench.community_gen import generate, typed_prefixes


def _queries(n: int, seed: int) -> tuple[list[str], list[str]]:
    """(warm-up, measured) typed prefixes of titles the corpus has not seen verbatim."""
    rng = random.Random(seed)
    prefixes = []
    for _, title, _ in generate(max(n, 50), seed=seed):
        prefixes.extend(typed_prefixes(title))
    rng.shuffle(prefixes)
    return prefixes[:50], prefixes[50 : 50 + n]


def _timed(fn, items) -> list[float]:
    out = []
    for item in items:
        started = time.perf_counter()
        fn(item)
        out.append(time.perf_counter() - started)
    return out


class _Server:
    def __init__(self, app):
        from werkzeug.serving import WSGIRequestHandler, make_server

        class QuietHandler(WSGIRequestHandler):
            def log_request(self, *args, **kwargs):
                pass

        self.server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    def get(self, path: str) -> bytes:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=30) as response:
            assert response.status == 200, response.status
            return response.read()


def _hello_app():
    from flask import Flask

    hello = Flask("hello")

    @hello.route("/hello")
    def index():
        return "hello"

    return hello


def _compare_encoder(app, service, scope, measured: list[str], prefix: str) -> dict:
    """suggest() without and with a sentence encoder (prefix SEARCH_MINILM: English, SEARCH_E5: Russian and
    Ukrainian), alternating which arm goes first per query (load hits all): all queries, and the ones it reads
    (Latin letters for MiniLM, the others for e5)."""
    from app.search import analysis

    label = "minilm" if prefix == "SEARCH_MINILM" else "e5"
    arms = {
        "off": {prefix: False},
        "rerank": {prefix: True, f"{prefix}_NEIGHBOURS": 0},
        "fill": {prefix: True, f"{prefix}_NEIGHBOURS": 10, f"{prefix}_NEIGHBOURS_MODE": "fill"},
        "fuse": {prefix: True, f"{prefix}_NEIGHBOURS": 10, f"{prefix}_NEIGHBOURS_MODE": "fuse"},
    }
    names = list(arms)
    times = {name: [] for name in names}
    read = {name: [] for name in names}
    for n, q in enumerate(measured):
        for name in names[n % len(names) :] + names[: n % len(names)]:  # each arm first in turn
            app.config.update(arms[name])
            started = time.perf_counter()
            service.suggest(q, "", scope, limit=5)
            spent = time.perf_counter() - started
            times[name].append(spent)
            if analysis.is_latin_text(q) == (label == "minilm"):
                read[name].append(spent)
    for key in (f"{prefix}_NEIGHBOURS", f"{prefix}_NEIGHBOURS_MODE"):
        app.config.pop(key, None)
    app.config[prefix] = True
    out = {f"{label}_read_queries": len(read["off"])}
    for part, data in (("all", times), ("read", read)):
        off = ms_summary(data["off"])
        out[f"{label}_{part}_off_p50_p95_ms"] = [off["p50_ms"], off["p95_ms"]]
        for name in names[1:]:
            on = ms_summary(data[name])
            out[f"{label}_{part}_{name}_p50_p95_ms"] = [on["p50_ms"], on["p95_ms"]]
            out[f"{label}_{part}_{name}_p95_ratio"] = round(on["p95_ms"] / max(off["p95_ms"], 1e-9), 3)
            out[f"{label}_{part}_{name}_p50_ratio"] = round(on["p50_ms"] / max(off["p50_ms"], 1e-9), 3)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search_latency", description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--backend", default="whoosh", choices=("whoosh", "postgres"))
    parser.add_argument("--queries", type=int, default=300, help="measured typed titles")
    parser.add_argument("--batch", type=int, default=1000, help="topics per commit + drain while loading")
    parser.add_argument("--seed", type=int, default=1551)
    parser.add_argument(
        "--workdir",
        help="keep the loaded app (SQLite + index) here and reuse it next time "
        "(a directory, or for postgres a database, already holding --docs topics is not reloaded; "
        "use a database of its own in BENCH_DATABASE_URL)",
    )
    parser.add_argument(
        "--compare-minilm",
        action="store_true",
        help="also suggest() without the English sentence encoder and with it (re-rank only, neighbours "
        "filling, neighbours fused), interleaved per query: all queries and the Latin-letter ones (minilm_*)",
    )
    parser.add_argument(
        "--compare-e5",
        action="store_true",
        help="the same for the Russian/Ukrainian encoder (e5_*: all queries and those not in Latin letters)",
    )
    add_settings_argument(parser)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    from app.search import service
    from app.search.documents import Scope

    warm, measured = _queries(args.queries, seed=args.seed + 1)
    with fresh_app(args.backend, workdir=args.workdir, settings=parse_settings(parser, args.set)) as (app, _):
        from app.community.models import Topic
        from app.extensions import db

        have = db.session.query(Topic).count()
        if have and have != args.docs:
            parser.error(f"{args.workdir} holds {have} topics, not {args.docs}: use another --workdir")
        if have:
            stats = None
        else:

            def progress(done):
                print(f"\rloaded {done}/{args.docs}", end="", file=sys.stderr, flush=True)

            rows = ((i, title, body) for i, (_, title, body) in enumerate(generate(args.docs, seed=args.seed)))
            _, stats = load_topics(rows, batch=args.batch, progress=progress)
            print(file=sys.stderr)
        from app.search.semantic import build, store

        started = time.perf_counter()
        if store.load_model() is None:  # what `flask search reindex` does after indexing
            build.rebuild(db.session)
        vectors_s = round(time.perf_counter() - started, 1)
        app.config["SEARCH_SUGGEST_CACHE"] = False  # every measured query is ranked (the cache: suggest_recurring)
        scope = Scope()
        results = {}
        with app.test_request_context("/"):
            first = _timed(lambda q: service.suggest(q, "", scope, limit=5), measured[:1])
            warmup = _timed(lambda q: service.suggest(q, "", scope, limit=5), warm)
            direct = _timed(lambda q: service.suggest(q, "", scope, limit=5), measured)
            app.config["SEARCH_SEMANTIC"] = False
            lexical = _timed(lambda q: service.suggest(q, "", scope, limit=5), measured)
            app.config["SEARCH_SEMANTIC"] = True
            hits = sum(1 for q in measured[:50] if service.suggest(q, "", scope, limit=5))
            if args.compare_minilm:
                results.update(_compare_encoder(app, service, scope, measured, "SEARCH_MINILM"))
            if args.compare_e5:
                results.update(_compare_encoder(app, service, scope, measured, "SEARCH_E5"))
        client = app.test_client()

        def via_client(q):
            response = client.get("/api/v1/suggest", query_string={"title": q})
            assert response.status_code == 200, response.status_code

        test_client = _timed(via_client, measured)
        with _Server(app) as server:
            http = _timed(lambda q: server.get("/api/v1/suggest?" + urllib.parse.urlencode({"title": q})), measured)
        with _Server(_hello_app()) as server:
            hello = _timed(lambda q: server.get("/hello"), measured)

        def pick(name, seconds):
            s = ms_summary(seconds)
            results[f"{name}_p50_ms"], results[f"{name}_p95_ms"] = s["p50_ms"], s["p95_ms"]

        pick("suggest", direct)
        pick("suggest_without_meaning", lexical)
        pick("client", test_client)
        pick("http", http)
        pick("hello_http", hello)
        pick("warmup", warmup)
        line = {
            "docs": args.docs,
            "backend": args.backend,
            "queries": len(measured),
            **results,
            "first_query_ms": round(first[0] * 1000, 1),
            "queries_with_hits": f"{hits}/50",
            "load_s": round(stats.seconds, 1) if stats else "reused",
            "vectors_s": vectors_s,
            "load_docs_per_s": round(stats.docs / max(stats.seconds, 1e-9), 1) if stats else None,
        }
    print_result(line, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
