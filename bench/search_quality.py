"""Search quality: does suggest() find an existing thread that answers a new request?

    python -m bench.search_quality --corpus $D/rutube-support/corpus.jsonl \
        --queries $D/rutube-support/queries-dev.jsonl [--backend whoosh] --json

($D: the search benchmark data sets, see bench/README.md.)

The corpus is loaded into a fresh app as topics through the real indexing path (community services, the
search outbox, drain, the configured backend); each query (first line = title, the rest = body) goes
through app.search.service.suggest(). `--backend plain-whoosh` is the baseline: a stock Whoosh index
(StandardAnalyzer, title + body, OR of the query words) built directly from the corpus, without the app.
Prints one JSON line: docs, queries, hit@1, hit@5, mrr@10, p50_ms, p95_ms, backend (and a few extras).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
import time

from bench._support import fresh_app, load_topics, ms_summary

K = 10


def read_jsonl(path: str, limit: int | None = None) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                rows.append(json.loads(line))
                if limit and len(rows) >= limit:
                    break
    return rows


def in_half(query: dict, half: str) -> bool:
    """A stable split of the queries (by a hash of their id): 'tune' and 'held' never share a query."""
    if half == "all":
        return True
    digest = hashlib.sha1(str(query.get("id", query.get("text"))).encode()).digest()[0]
    return (digest % 2 == 0) == (half == "tune")


def split_query(text: str) -> tuple[str, str]:
    title, _, body = (text or "").strip().partition("\n")
    return title.strip(), body.strip()


class Scores:
    def __init__(self):
        self.n = 0
        self.hit1 = self.hit5 = self.rr = 0.0

    def add(self, ranked: list, relevant: set) -> None:
        self.n += 1
        for rank, key in enumerate(ranked[:K], start=1):
            if key in relevant:
                self.rr += 1.0 / rank
                self.hit1 += rank == 1
                self.hit5 += rank <= 5
                break

    def as_dict(self) -> dict:
        n = max(self.n, 1)
        return {"hit@1": round(self.hit1 / n, 4), "hit@5": round(self.hit5 / n, 4), "mrr@10": round(self.rr / n, 4)}


# Matching by meaning, measured part by part on one load (app config overrides per variant).
VARIANTS = {
    "today": {"SEARCH_SEMANTIC": False},
    "rerank": {"SEARCH_SEMANTIC": True, "SEARCH_SEMANTIC_EXPAND": 0, "SEARCH_SEMANTIC_RERANK": True},
    "fill": {"SEARCH_SEMANTIC": True, "SEARCH_SEMANTIC_EXPAND": 5, "SEARCH_SEMANTIC_RERANK": False},
    "expand": {
        "SEARCH_SEMANTIC": True,
        "SEARCH_SEMANTIC_EXPAND": 5,
        "SEARCH_SEMANTIC_EXPAND_MODE": "query",
        "SEARCH_SEMANTIC_RERANK": False,
    },
    "both": {"SEARCH_SEMANTIC": True, "SEARCH_SEMANTIC_EXPAND": 5, "SEARCH_SEMANTIC_RERANK": True},
    "default": {},  # the app's settings: what Otklik does now
}


SHORT = {
    "w": "SEARCH_SEMANTIC_WEIGHT",
    "c": "SEARCH_SEMANTIC_CANDIDATES",
    "x": "SEARCH_SEMANTIC_EXPAND",
    "k": "SEARCH_SEMANTIC_RRF_K",
    "m": "SEARCH_SEMANTIC_MIN_COSINE",
}


def variant_config(name: str) -> dict:
    """A variant by name, with optional overrides: "rerank@w=0.5@c=15" (w weight, c candidates, x expansion
    terms, k RRF constant, m expansion floor)."""
    base, *overrides = name.split("@")
    config = dict(VARIANTS[base])
    for item in overrides:
        key, _, value = item.partition("=")
        config[SHORT[key]] = float(value)
    return config


def run_app(corpus: list[dict], queries: list[dict], backend: str, variants: list[str] | None = None) -> dict:
    from app.extensions import db
    from app.search import service
    from app.search.documents import Scope
    from app.search.semantic import build

    with fresh_app(backend) as (app, _):
        id_map, stats = load_topics((row["id"], row.get("title", ""), row.get("body", "")) for row in corpus)
        started = time.perf_counter()
        vectors = build.rebuild(db.session)  # what `flask search reindex` does after indexing
        load = {**stats.as_dict(), "vectors": vectors, "vectors_seconds": round(time.perf_counter() - started, 1)}
        scope = Scope()
        app.config["SEARCH_SUGGEST_CACHE"] = False  # each variant ranks every query afresh
        base = dict(app.config)
        out = {}
        with app.test_request_context("/"):  # url_for in the result presenter
            for name in variants or ["default"]:
                app.config.update(base)
                app.config.update(variant_config(name))
                service.suggest("warm up the caches", "", scope, limit=K)
                out[name] = _measure(
                    queries,
                    lambda title, body: [
                        id_map.get(item["id"])
                        for item in service.suggest(title, body, scope, limit=K)
                        if item["kind"] == "topic"
                    ],
                    load,
                )
        if len(out) == 1:
            return next(iter(out.values()))
        return {"variants": out, "load": load}


def run_plain_whoosh(corpus: list[dict], queries: list[dict]) -> dict:
    from whoosh import fields, index
    from whoosh import query as wq
    from whoosh.analysis import StandardAnalyzer

    analyzer = StandardAnalyzer()
    schema = fields.Schema(
        cid=fields.ID(stored=True), title=fields.TEXT(analyzer=analyzer), body=fields.TEXT(analyzer=analyzer)
    )
    tmp = tempfile.mkdtemp(prefix="otklik-plain-")
    try:
        started = time.perf_counter()
        ix = index.create_in(tmp, schema)
        with ix.writer(limitmb=256) as writer:
            for row in corpus:
                writer.add_document(cid=row["id"], title=row.get("title", ""), body=row.get("body", ""))
        load = {"docs": len(corpus), "seconds": round(time.perf_counter() - started, 1)}
        with ix.searcher() as searcher:

            def run(title, body):
                words = {t.text for t in analyzer(f"{title}\n{body}")}
                if not words:
                    return []
                q = wq.Or([wq.Term(f, w) for w in sorted(words) for f in ("title", "body")])
                return [hit["cid"] for hit in searcher.search(q, limit=K)]

            return _measure(queries, run, load)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _measure(queries: list[dict], run, load: dict) -> dict:
    overall = Scores()
    by_lang: dict[str, Scores] = {}
    times = []
    for q in queries:
        title, body = split_query(q["text"])
        started = time.perf_counter()
        ranked = run(title, body)
        times.append(time.perf_counter() - started)
        relevant = set(q.get("relevant") or [])
        overall.add(ranked, relevant)
        if q.get("lang"):
            by_lang.setdefault(q["lang"], Scores()).add(ranked, relevant)
    out = {
        "queries": len(queries),
        **overall.as_dict(),
        **{k: v for k, v in ms_summary(times).items() if k != "mean_ms"},
    }
    if by_lang:
        out["by_lang"] = {lang: {"n": s.n, **s.as_dict()} for lang, s in sorted(by_lang.items())}
    out["load"] = load
    return out


def _analyser_facts() -> dict:
    """What the figures depend on besides the code: the analyser fingerprint and the dictionary's size."""
    from app.search import analysis, bilingual

    return {"fingerprint": analysis.fingerprint(), "ru_uk_dictionary_pairs": len(bilingual.load_pairs())}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search_quality", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", required=True, help="corpus.jsonl: {id, title, body, ...} per line")
    parser.add_argument("--queries", required=True, help="queries-*.jsonl: {id, text, relevant: [...]} per line")
    parser.add_argument("--backend", default="whoosh", choices=("whoosh", "postgres", "plain-whoosh"))
    parser.add_argument("--limit", type=int, default=None, help="use only the first N queries")
    parser.add_argument(
        "--variants",
        default="",
        help=f"comma-separated, measured on one load: {', '.join(VARIANTS)} (default: the app's settings)",
    )
    parser.add_argument(
        "--half",
        choices=("all", "tune", "held"),
        default="all",
        help="dev queries split in two by a hash of their id: 'tune' to choose settings on, 'held' to report",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON line (default: readable text)")
    args = parser.parse_args(argv)

    corpus = read_jsonl(args.corpus)
    queries = [q for q in read_jsonl(args.queries, args.limit) if in_half(q, args.half)]
    if args.backend == "plain-whoosh":
        result = run_plain_whoosh(corpus, queries)
    else:
        result = run_app(corpus, queries, args.backend, [v for v in args.variants.split(",") if v])
    line = {"docs": len(corpus), **result, "backend": args.backend, "half": args.half}
    if args.backend != "plain-whoosh":
        line["analyser"] = _analyser_facts()
    if args.json:
        print(json.dumps(line, ensure_ascii=False))
    else:
        for key, value in line.items():
            print(f"{key:>10}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
