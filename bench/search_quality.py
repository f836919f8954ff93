"""Search quality: does suggest() find an existing thread that answers a new request?

    python -m bench.search_quality --corpus $D/rutube-support/corpus.jsonl \
        --queries $D/rutube-support/queries-dev.jsonl [--backend whoosh] --json

($D: the search benchmark data sets, see bench/README.md.)

The corpus is loaded into a fresh app as topics through the real indexing path (community services, the
search outbox, drain, the configured backend); each query (first line = title, the rest = body) goes
through app.search.service.suggest(). `--backend plain-whoosh` is the baseline: a stock Whoosh index
(StandardAnalyzer, title + body, OR of the query words) built directly from the corpus, without the app.
Prints one JSON line: docs, queries, hit@1, hit@5, mrr@10, p50_ms, p95_ms, backend (and a few extras).

`--learn FILE` (app backends only): after measuring `--queries` as they are ("plain"), each query of FILE is
typed by its own synthetic customer (own address and browser, so a distinct visitor) through the real path:
GET /api/v1/suggest shows the 5 suggestions of the ask form; if one of them is relevant, the customer opens
the first such one (POST /api/v1/events `suggestion_clicked` with what they typed) and does not post; then
`flask learning settle` runs as it would later, the outbox is drained, and `--queries` are measured again
("learned"). A query present in both files (same id or same text) is refused: learning must never help a
query with itself. `--min-customers` sets PHRASINGS_MIN_CUSTOMERS for the run (default 1: every synthetic
customer types a different wording, so the product's default of 3 distinct customers per wording would
learn nothing from a set of distinct queries).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
import time

from bench._support import add_settings_argument, fresh_app, load_topics, ms_summary, parse_settings, print_result

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
    # English sentence embeddings (app/search/semantic/minilm.py), for requests in Latin letters:
    "lsa": {"SEARCH_MINILM": False},  # the settings before them
    "minilm": {"SEARCH_MINILM": True, "SEARCH_MINILM_RERANK": True, "SEARCH_MINILM_NEIGHBOURS": 0},
    "neighbours": {
        "SEARCH_MINILM": True,
        "SEARCH_MINILM_RERANK": False,
        "SEARCH_MINILM_NEIGHBOURS": 10,
        "SEARCH_MINILM_NEIGHBOURS_MODE": "fuse",
    },
    "minilm+nb": {
        "SEARCH_MINILM": True,
        "SEARCH_MINILM_RERANK": True,
        "SEARCH_MINILM_NEIGHBOURS": 10,
        "SEARCH_MINILM_NEIGHBOURS_MODE": "fuse",
    },
    "minilm+fill": {
        "SEARCH_MINILM": True,
        "SEARCH_MINILM_RERANK": True,
        "SEARCH_MINILM_NEIGHBOURS": 10,
        "SEARCH_MINILM_NEIGHBOURS_MODE": "fill",
    },
    # Russian and Ukrainian sentence embeddings (app/search/semantic/e5.py), for requests in Cyrillic letters:
    "noe5": {"SEARCH_E5": False},  # the settings before them
    "e5": {"SEARCH_E5": True, "SEARCH_E5_RERANK": True, "SEARCH_E5_NEIGHBOURS": 0},
    "e5-nb": {
        "SEARCH_E5": True,
        "SEARCH_E5_RERANK": False,
        "SEARCH_E5_NEIGHBOURS": 10,
        "SEARCH_E5_NEIGHBOURS_MODE": "fuse",
    },
    "e5+nb": {
        "SEARCH_E5": True,
        "SEARCH_E5_RERANK": True,
        "SEARCH_E5_NEIGHBOURS": 10,
        "SEARCH_E5_NEIGHBOURS_MODE": "fuse",
    },
    "e5+fill": {
        "SEARCH_E5": True,
        "SEARCH_E5_RERANK": True,
        "SEARCH_E5_NEIGHBOURS": 10,
        "SEARCH_E5_NEIGHBOURS_MODE": "fill",
    },
}


SHORT = {
    "w": "SEARCH_SEMANTIC_WEIGHT",
    "c": "SEARCH_SEMANTIC_CANDIDATES",
    "x": "SEARCH_SEMANTIC_EXPAND",
    "k": "SEARCH_SEMANTIC_RRF_K",
    "m": "SEARCH_SEMANTIC_MIN_COSINE",
    "n": "SEARCH_MINILM_NEIGHBOURS",
    "q": "SEARCH_MINILM_QUERY_TOKENS",
    "e": "SEARCH_E5_NEIGHBOURS",
    "t": "SEARCH_E5_QUERY_TOKENS",
    "f": "SEARCH_E5_MIN_COSINE",
}


def variant_config(name: str) -> dict:
    """A variant by name, with optional overrides: "rerank@w=0.5@c=15" (w weight, c candidates, x expansion
    terms, k RRF constant, m expansion floor, n English neighbours, q English request word pieces, e e5 neighbours,
    t e5 request word pieces, f e5 neighbours' least cosine)."""
    base, *overrides = name.split("@")
    config = dict(VARIANTS[base])
    for item in overrides:
        key, _, value = item.partition("=")
        config[SHORT[key]] = float(value)
    return config


def load_settings(variants: list[str]) -> dict:
    """What loading needs for the variants asked: a variant that reads e5's embeddings needs them made as the
    documents load (SEARCH_E5 is off by default, so they would not be, and the variant would measure nothing of
    e5). `--set` still wins."""
    return {"SEARCH_E5": True} if any(variant_config(v).get("SEARCH_E5") for v in variants) else {}


def run_app(
    corpus: list[dict],
    queries: list[dict],
    backend: str,
    learn: list[dict] | None = None,
    min_customers: int = 1,
    merge_missed: bool = False,
    variants: list[str] | None = None,
    settings: dict | None = None,
) -> dict:
    from app.extensions import db
    from app.search import service
    from app.search.documents import Scope
    from app.search.semantic import build

    with fresh_app(backend, settings=settings) as (app, _):  # --set: before loading (documents embed as they load)
        app.config["PHRASINGS_MIN_CUSTOMERS"] = min_customers
        id_map, stats = load_topics((row["id"], row.get("title", ""), row.get("body", "")) for row in corpus)
        started = time.perf_counter()
        vectors = build.rebuild(db.session)  # what `flask search reindex` does after indexing
        load = {**stats.as_dict(), "vectors": vectors, "vectors_seconds": round(time.perf_counter() - started, 1)}
        scope = Scope()
        app.config["SEARCH_SUGGEST_CACHE"] = False  # each variant ranks every query afresh

        def run(title, body):
            return [
                id_map.get(item["id"])
                for item in service.suggest(title, body, scope, limit=K)
                if item["kind"] == "topic"
            ]

        def measure() -> dict:
            base = dict(app.config)
            out = {}

            def restore():  # a variant's settings that the base lacks must not leak into the next one
                for key in set(app.config) - set(base):
                    del app.config[key]
                app.config.update(base)

            with app.test_request_context("/"):  # url_for in the result presenter
                for name in variants or ["default"]:
                    restore()
                    app.config.update(variant_config(name))
                    service.suggest("warm up the caches", "", scope, limit=K)
                    out[name] = _measure(queries, run, load)
            restore()
            return next(iter(out.values())) if len(out) == 1 else {"variants": out, "load": load}

        plain = measure()
        if learn is None:
            return plain
        learning = learn_from_customers(app, learn, id_map, merge_missed)
        learned = measure()
        before = {k: plain[k] for k in ("hit@1", "hit@5", "mrr@10", "p95_ms")} if "hit@5" in plain else plain
        return {**learned, "plain": before, "learning": learning}


def learn_from_customers(app, learn: list[dict], id_map: dict, merge_missed: bool = False) -> dict:
    """Each learn query: a distinct synthetic visitor types it on the ask form, opens the first relevant
    suggestion among the 5 shown, and leaves without posting. Then the clicks settle into phrasings."""
    from datetime import timedelta

    from sqlalchemy import func, select

    from app.common.db import utcnow
    from app.extensions import db
    from app.learning import services as learning
    from app.learning.models import Phrasing
    from app.search import outbox

    opened = refused = cleaned = 0
    missed: list = []
    for n, q in enumerate(learn):
        # Control characters (a few corpus texts have them) cannot be typed into the form; the guards refuse them.
        text = "".join(ch for ch in q["text"] if ch in "\n\t" or ord(ch) >= 32)
        cleaned += text != q["text"]
        title, body = split_query(text)
        relevant = set(q.get("relevant") or [])
        client = app.test_client()
        env = {"REMOTE_ADDR": f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}", "HTTP_USER_AGENT": f"bench-customer-{n}"}
        shown = client.get("/api/v1/suggest", query_string={"title": title, "body": body[:2000]}, environ_base=env)
        if shown.status_code != 200:
            refused += 1
            continue
        chosen = next(
            (item for item in shown.get_json() or [] if item["kind"] == "topic" and id_map.get(item["id"]) in relevant),
            None,
        )
        if chosen is None:  # nothing relevant shown: this customer posts
            if merge_missed:
                missed.append((title, body, q))
            continue
        typed = f"{title}\n{body[:2000]}".strip()
        draft = f"bench{n:08d}learn"
        for event, extra in (("suggestions_shown", {"count": len(shown.get_json())}), ("suggestion_clicked", {})):
            payload = {"event": event, "draft": draft, **extra}
            if event == "suggestion_clicked":
                payload.update(kind="topic", id=chosen["id"], text=typed)
            response = client.post("/api/v1/events", json=payload, environ_base=env)
            if response.status_code != 201:
                raise RuntimeError(f"events API refused a click: {response.status_code} {response.get_data(True)}")
        opened += 1
    merged = merge_posted(app, missed, id_map) if merge_missed else 0
    with app.app_context():
        later = utcnow() + timedelta(minutes=int(app.config["PHRASINGS_SETTLE_MINUTES"]) + 1)
        votes = learning.settle(now=later)
        db.session.commit()
        outbox.drain()
        confirmed = db.session.scalar(select(func.count()).select_from(Phrasing).where(Phrasing.confirmed)) or 0
        threads = db.session.scalar(select(func.count(func.distinct(Phrasing.ref_id))).where(Phrasing.confirmed)) or 0
    return {
        "learn_queries": len(learn),
        "opened_a_relevant_suggestion": opened,
        "suggest_refused": refused,
        "control_chars_dropped": cleaned,
        "votes": votes,
        "confirmed_phrasings": confirmed,
        "threads_with_phrasings": threads,
        "min_customers": int(app.config["PHRASINGS_MIN_CUSTOMERS"]),
        "posted_and_merged": merged,
    }


def merge_posted(app, missed: list, id_map: dict) -> int:
    """--merge-missed: each customer who saw nothing relevant posts their question, and a moderator merges it
    into the first relevant thread (moderation.services.merge_topic: its title becomes a phrasing)."""
    from app.auth import services as auth_services
    from app.community import services as community
    from app.community.models import Topic
    from app.extensions import db
    from app.moderation import services as moderation
    from bench._support import LoadStats, fit_topic

    topic_of = {key: topic_id for topic_id, key in id_map.items()}
    with app.app_context():
        moderator = auth_services.register_user(
            "bench.moderator@example.com", "bench-password-123", "Mod", role="moderator"
        )
        category_id = db.session.get(Topic, next(iter(id_map))).category_id
        merged = 0
        for n, (title, body, q) in enumerate(missed):
            original_id = next((topic_of[k] for k in q.get("relevant") or [] if k in topic_of), None)
            if original_id is None:
                continue
            author = auth_services.register_user(f"bench.poster{n}@example.com", "bench-password-123", f"Poster {n}")
            kind, title, body = fit_topic(title, body, LoadStats())
            duplicate = community.create_topic(author, kind, title, body, category_id, mood="indifferent")
            moderation.merge_topic(moderator, duplicate, db.session.get(Topic, original_id))
            merged += 1
        db.session.commit()
    return merged


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


def overlap(learn: list[dict], queries: list[dict]) -> list[str]:
    """Ids of measured queries also in the learn file (by id, or by the same text up to case and spaces)."""

    def norm(text):
        return " ".join((text or "").lower().split())

    ids = {q.get("id") for q in learn if q.get("id")}
    texts = {norm(q.get("text")) for q in learn}
    return [
        q.get("id") or q.get("text", "")[:40] for q in queries if q.get("id") in ids or norm(q.get("text")) in texts
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search_quality", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", required=True, help="corpus.jsonl: {id, title, body, ...} per line")
    parser.add_argument("--queries", required=True, help="queries-*.jsonl: {id, text, relevant: [...]} per line")
    parser.add_argument("--backend", default="whoosh", choices=("whoosh", "postgres", "plain-whoosh"))
    parser.add_argument("--limit", type=int, default=None, help="use only the first N queries")
    parser.add_argument("--learn", help="queries-*.jsonl fed first as customers' choices (see above)")
    parser.add_argument("--min-customers", type=int, default=1, help="PHRASINGS_MIN_CUSTOMERS with --learn")
    parser.add_argument(
        "--merge-missed",
        action="store_true",
        help="with --learn: a customer shown nothing relevant posts, and a moderator merges it into the thread",
    )
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
    add_settings_argument(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON line (default: readable text)")
    args = parser.parse_args(argv)
    settings = parse_settings(parser, args.set)

    corpus = read_jsonl(args.corpus)
    queries = [q for q in read_jsonl(args.queries, args.limit) if in_half(q, args.half)]
    learn = read_jsonl(args.learn) if args.learn else None
    if learn is not None:
        if args.backend == "plain-whoosh":
            parser.error("--learn needs an app backend (whoosh or postgres)")
        both = overlap(learn, queries)
        if both:
            parser.error(f"{len(both)} queries are in both --learn and --queries (e.g. {both[0]}): refused")
    if args.backend == "plain-whoosh":
        result = run_plain_whoosh(corpus, queries)
    else:
        variants = [v for v in args.variants.split(",") if v]
        settings = {**load_settings(variants), **settings}
        result = run_app(
            corpus, queries, args.backend, learn, args.min_customers, args.merge_missed, variants, settings
        )
    line = {"docs": len(corpus), **result, "backend": args.backend, "half": args.half, "settings": settings}
    if args.backend != "plain-whoosh":
        line["analyser"] = _analyser_facts()
    print_result(line, args.json, width=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
