"""Does a request cost more when the community is larger? p50 of suggest, a topic page, the home and category
lists (first and a deep page) and the staff queue at each size, as ratios to the first size (PostgreSQL).

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_x .venv/bin/python -m bench.cost_growth \\
        --sizes 10000,100000,1000000 [--requests 60] [--json]

`--base` topics (2,000) are loaded through the services in bulk (bench/community_gen.py topics, one commit and
search drain per 500, a few comments on the measured topics, a representative). Each size is reached by copying
those topics in SQL (COPY-like `INSERT ... SELECT` with new ids, older activity dates, their work items and
their search documents, and the vocabulary's document counts scaled), which is how a bulk import would land
them (their staff work is resolved: the open backlog of a large community is its recent topics, not its
history); generating a million topics one by one through the services takes hours on a small machine. Copies
repeat the texts, so search sees more documents per term than a real community of that size would: if
anything a harder case for suggest. Requests go through the Flask test client (no HTTP) as a signed-in
customer (pages rendered every time: the anonymous page cache does not apply) and, for the queue, a
representative. `--reuse DIR` keeps the database: a later run shrinks it back to the first size and grows again.

Live mode, for a loaded (shared) machine: every size is its own kept database, built once with the mode above
(`--sizes N --reuse DIR`, one database each), and all of them are served at once, one app per database in this
process. The samples are interleaved (request i of every page at every size, the order of the sizes rotated
each round), so a change of the machine's load hits every size alike; the figures are p50 ratios to the first:

    .venv/bin/python -m bench.cost_growth --live \\
        postgresql://postgres@127.0.0.1:5432/bench_growth_10k,postgresql://postgres@127.0.0.1:5432/bench_growth_1m \\
        [--requests 40] [--json]

"home_after_write" is the home page right after a topic changed elsewhere (the lists' page-cache generation is
bumped before each request, as a post or a status change does): what a reader sees on a busy community.
"""

from __future__ import annotations

import argparse
import inspect
import json
import random
import re
import statistics
import time

from bench._support import fresh_app, load_topics
from bench.community_gen import generate, typed_prefixes

PASSWORD = "bench-password-123"


def _base(size: int):
    from sqlalchemy import text

    from app.admin import services as admin_services
    from app.auth import services as auth_services
    from app.community import services as community_services
    from app.community.models import Topic
    from app.extensions import db

    load_topics(((i, t, b) for i, (_k, t, b) in enumerate(generate(size))), batch=500)
    first = db.session.get(Topic, 1)
    categories = [first.category_id] + [
        admin_services.create_category(name, first.department_id).id
        for name in ("Cards", "Transfers", "Deposits", "Loans", "Mobile app")
    ]
    db.session.flush()
    spread = "CASE (id % 6) " + " ".join(f"WHEN {i} THEN {c}" for i, c in enumerate(categories)) + " END"
    db.session.execute(text(f"UPDATE topics SET category_id = {spread}"))
    db.session.execute(text(f"UPDATE search_documents SET category_id = {spread.replace('id %', 'ref_id %')}"))
    rep = auth_services.register_user("rep@bench.example", PASSWORD, "Rita Rep", role="representative")
    commenter = auth_services.register_user("commenter@bench.example", PASSWORD, "Carl Commenter")
    topic = db.session.get(Topic, 1)
    rep.departments = [topic.department]
    sample = list(range(size - 40, size + 1))  # the newest: the copies are older, these stay on the first page
    for topic_id in sample:
        topic = db.session.get(Topic, topic_id)
        for n in range(3):
            community_services.post_comment(commenter, topic, f"Ответ номер {n}: проверьте настройки карты.")
    db.session.commit()
    return sample


COPY_TOPICS = """
INSERT INTO topics (id, type, title, body, body_html, body_text, mood, channel, status, is_private, is_hidden,
    is_deleted, has_official_answer, comment_count, vote_count, last_activity_at, author_id, category_id,
    department_id, is_closed, created_at, updated_at)
SELECT t.id + :shift, t.type, t.title, t.body, t.body_html, t.body_text, t.mood, t.channel, t.status, t.is_private,
    t.is_hidden, t.is_deleted, t.has_official_answer, 0, t.vote_count, t.last_activity_at - make_interval(days => :age),
    t.author_id, t.category_id, t.department_id, t.is_closed, t.created_at - make_interval(days => :age), t.updated_at
FROM topics t WHERE t.id <= :base
"""
COPY_WORK = """
INSERT INTO topic_work_items (topic_id, assignee_id, waiting_since, waiting_for_customer, first_response_due_at,
    first_response_at, resolution_due_at, resolved_at, created_at, updated_at)
SELECT w.topic_id + :shift, w.assignee_id, w.waiting_since - make_interval(days => :age), w.waiting_for_customer,
    w.first_response_due_at - make_interval(days => :age), w.first_response_at, w.resolution_due_at,
    w.waiting_since - make_interval(days => :age + 8), w.created_at, w.updated_at
FROM topic_work_items w WHERE w.topic_id <= :base
"""
COPY_DOCS = """
INSERT INTO search_documents (kind, ref_id, title_terms, answer_terms, body_terms, term_count, title_term_count, tsv,
    type, status, category_id, department_id, author_id, visibility, has_answer, popularity, updated_at)
SELECT d.kind, d.ref_id + :shift, d.title_terms, d.answer_terms, d.body_terms, d.term_count, d.title_term_count, d.tsv,
    d.type, d.status, d.category_id, d.department_id, d.author_id, d.visibility, d.has_answer, d.popularity, d.updated_at
FROM search_documents d WHERE d.kind = 'topic' AND d.ref_id <= :base
"""


def _for_sqlite(statement: str) -> str:
    """make_interval(days => :age + 8) as SQLite date arithmetic (timestamps are ISO strings there)."""
    return re.sub(
        r"(\w+\.\w+) - make_interval\(days => ([^)]*)\)",
        lambda m: f"strftime('%Y-%m-%d %H:%M:%f', {m.group(1)}, '-' || ({m.group(2)}) || ' days')",
        statement,
    )


def grow(base: int, target: int, current: int) -> None:
    """Copy the first `base` topics until there are `target` (in copies of `base`)."""
    from sqlalchemy import text

    from app.extensions import db

    copies_before = current // base
    sqlite = db.engine.dialect.name == "sqlite"
    statements = (COPY_TOPICS, COPY_WORK) if sqlite else (COPY_TOPICS, COPY_WORK, COPY_DOCS)
    for k in range(copies_before, target // base):
        params = {"shift": k * base, "base": base, "age": k}
        for statement in statements:
            db.session.execute(text(_for_sqlite(statement) if sqlite else statement), params)
        db.session.commit()
    if sqlite:  # search is Whoosh's index there (the 2,000 loaded topics): suggest is not measured on SQLite
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        return
    factor = (target // base) / copies_before
    db.session.execute(text("UPDATE search_terms SET doc_count = round(doc_count * :f)"), {"f": factor})
    db.session.execute(text("SELECT setval(pg_get_serial_sequence('topics', 'id'), (SELECT max(id) FROM topics))"))
    db.session.commit()
    _recount_search_stats()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")


def _recount_search_stats() -> None:
    """The SQL copies bypass the backend that keeps search_stats (code without it: nothing to do)."""
    from app.search.backends import get_backend

    recount = getattr(get_backend(), "recount_stats", None)
    if recount is not None:
        recount()
    refresh = getattr(get_backend(), "refresh_tiers", None)
    if refresh is not None and "hot_index" in inspect.signature(refresh).parameters:
        from app.extensions import db

        db.session.commit()  # the index build waits for every open transaction
        refresh(hot_index=True)  # as the search.tiers job keeps it (pg_hot.py: from 262,144 documents)


def shrink(size: int) -> None:
    """Back to the first `size` topics of a kept database (`--reuse`): copies deleted, vocabulary recounted."""
    from sqlalchemy import text

    from app.extensions import db

    for statement in (
        "DELETE FROM search_documents WHERE kind = 'topic' AND ref_id > :size",
        "DELETE FROM topic_work_items WHERE topic_id > :size",
        "DELETE FROM topics WHERE id > :size",
        "UPDATE search_terms SET doc_count = 0",
        "UPDATE search_terms t SET doc_count = s.ndoc FROM ts_stat('SELECT tsv FROM search_documents') s "
        "WHERE s.word = t.term",
    ):
        db.session.execute(text(statement), {"size": size})
    db.session.commit()
    _recount_search_stats()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")


def _p50(client, urls: list[str]) -> float:
    """Each request in its own application context, as under a real server."""
    from app.extensions import db

    times = []
    for url in urls:
        start = time.perf_counter()
        with client.application.app_context():
            response = client.get(url)
        db.session.rollback()
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times) * 1000


def _signed_in(app, email: str):
    """A client signed in as `email`: its pages are rendered for it (never from the anonymous page cache)."""
    client = app.test_client()
    with app.app_context():
        token = re.search(r'csrf-token" content="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    with app.app_context():
        login = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert login.status_code == 302
    return client


def measure(app, sample: list[int], requests: int, size: int) -> dict:
    from app.community.models import Category, Topic
    from app.extensions import db

    rng = random.Random(7)
    reader, staff = _signed_in(app, "commenter@bench.example"), _signed_in(app, "rep@bench.example")
    topics = {t.id: t.slug for t in db.session.query(Topic).filter(Topic.id.in_(sample))}
    slugs = [c.slug for c in db.session.query(Category)]
    titles = [title for _k, title, _b in generate(200, seed=99)]
    deep = max(1, min(size // 20, 50))
    kinds = {
        "suggest": [f"/api/v1/suggest?title={rng.choice(typed_prefixes(rng.choice(titles)))}" for _ in range(requests)],
        "topic_page": [f"/t/{i}-{topics[i]}" for i in (rng.choice(list(topics)) for _ in range(requests))],
        "home": ["/"] * requests,
        "home_page_50": [f"/?page={deep}"] * requests,
        "category": [f"/c/{rng.choice(slugs)}" for _ in range(requests)],
        "home_filtered": ["/?type=question&status=open"] * requests,
    }
    # The machine may be shared: a page whose cost does not depend on the community's size, measured alongside,
    # gives each figure as a multiple of it too ("norm"), which compares across sizes measured under other loads.
    kinds["reference_login_page"] = ["/login"] * requests
    result = {}
    for kind, urls in kinds.items():
        client = app.test_client() if kind == "reference_login_page" else reader
        _p50(client, urls[:5])  # warm-up
        result[kind] = round(_p50(client, urls), 2)
    _p50(staff, ["/staff/"] * 5)
    result["staff_queue"] = round(_p50(staff, ["/staff/"] * requests), 2)
    return result


def _live_app(url: str, stack):
    """An app on a kept database (no drop, no reload); the list counts and the search statistics rebuilt once from
    its topics (the bulk SQL copies bypass the services that keep them), when this version of the code keeps them."""
    import os

    from sqlalchemy import text

    from app.extensions import db

    backend = "postgres"
    if url.startswith("sqlite:"):  # sqlite:DIR, a folder built with --backend whoosh --reuse DIR
        backend, workdir = "whoosh", url.split(":", 1)[1]
    else:
        os.environ["BENCH_DATABASE_URL"] = url
        workdir = f"/tmp/otklik-cost-growth/{url.rsplit('/', 1)[-1]}"
    # Suggest ranks every request (its cache would answer repeated prefixes from memory at any size).
    # Each app its own page-cache stamp: a change announced by one must not drop the others' cached counts.
    settings = {"SEARCH_SUGGEST_CACHE": False, "PAGE_CACHE_STAMP": f"{workdir}/page-cache.stamp"}
    app, _ = stack.enter_context(fresh_app(backend, workdir=workdir, settings=settings))
    app.config["RATELIMIT_ENABLED"] = False
    try:
        from app.community import counts
    except ImportError:
        counts = None
    if counts is not None:
        counts.recount(db.session)
        db.session.commit()
    if backend == "postgres":
        _recount_search_stats()
    size = db.session.scalar(text("SELECT count(*) FROM topics"))
    return app, size


def _urls(app, requests: int) -> tuple[dict[str, list[str]], object, object]:
    """The same requests for every size (the sampled topics are the newest of the 2,000 loaded through the services,
    with the same ids in every database)."""
    from app.community.models import Category, Topic
    from app.extensions import db

    rng = random.Random(7)
    reader, staff = _signed_in(app, "commenter@bench.example"), _signed_in(app, "rep@bench.example")
    sample = range(1960, 2001)
    topics = {t.id: t.slug for t in db.session.query(Topic).filter(Topic.id.in_(sample))}
    slugs = sorted(c.slug for c in db.session.query(Category))
    titles = [title for _k, title, _b in generate(200, seed=99)]
    ids = sorted(topics)
    kinds = {
        "suggest": [f"/api/v1/suggest?title={rng.choice(typed_prefixes(rng.choice(titles)))}" for _ in range(requests)],
        "topic_page": [f"/t/{i}-{topics[i]}" for i in (rng.choice(ids) for _ in range(requests))],
        "home": ["/"] * requests,
        "home_after_write": ["/"] * requests,
        "home_page_50": ["/?page=50"] * requests,
        "category": [f"/c/{rng.choice(slugs)}" for _ in range(requests)],
        "home_filtered": ["/?type=question&status=open"] * requests,
        "staff_queue": ["/staff/"] * requests,
        "reference_login_page": ["/login"] * requests,
    }
    return kinds, reader, staff


def _one(client, url: str, before=None) -> float:
    from app.extensions import db

    with client.application.app_context():
        if before is not None:
            before()
        start = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - start
        db.session.rollback()
    assert response.status_code == 200, (url, response.status_code)
    return elapsed * 1000


def live(urls: list[str], requests: int, as_json: bool, skip: list[str] = ()) -> None:
    import contextlib
    import os

    from app.common import pagecache

    os.environ.setdefault("OTKLIK_LOG_LEVEL", "WARNING")
    sites = []
    with contextlib.ExitStack() as stack:
        for url in urls:
            app, size = _live_app(url, stack)
            with app.app_context():
                kinds, reader, staff = _urls(app, requests)
                kinds = {k: v for k, v in kinds.items() if k not in skip}
                anonymous = app.test_client()
            sites.append(
                {"size": size, "app": app, "kinds": kinds, "reader": reader, "staff": staff, "anon": anonymous}
            )
        times = {(site["size"], kind): [] for site in sites for kind in sites[0]["kinds"]}

        def client_for(site, kind):
            return (
                site["staff"]
                if kind == "staff_queue"
                else site["anon"]
                if kind.startswith("reference")
                else site["reader"]
            )

        def bump(site):
            return lambda: pagecache.store_for(site["app"]).bump(("lists",))

        warm = 3
        for i in range(warm + requests):
            order = sites[i % len(sites) :] + sites[: i % len(sites)]  # rotate: no size always goes first
            for kind in sites[0]["kinds"]:
                for site in order:
                    url = site["kinds"][kind][i % requests]
                    before = bump(site) if kind == "home_after_write" else None
                    elapsed = _one(client_for(site, kind), url, before)
                    if i >= warm:
                        times[(site["size"], kind)].append(elapsed)
        first = sites[0]["size"]
        result = {"load_average": [round(x, 2) for x in os.getloadavg()], "sizes": [site["size"] for site in sites]}
        for kind in sites[0]["kinds"]:
            row = {}
            base = statistics.median(times[(first, kind)])
            for site in sites:
                values = sorted(times[(site["size"], kind)])
                p50 = statistics.median(values)
                p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
                row[site["size"]] = {
                    "p50_ms": round(p50, 2),
                    "p95_ms": round(p95, 2),
                    "p50_ratio": round(p50 / base, 2),
                }
            result[kind] = row
        if as_json:
            print(json.dumps(result), flush=True)
        else:
            print(f"load average {result['load_average']}; p50 ms (p95 ms) and p50 ratio to {first:,} topics")
            for kind in sites[0]["kinds"]:
                cells = "  ".join(
                    f"{size:>9,}: {v['p50_ms']:8.1f} ({v['p95_ms']:8.1f}) x{v['p50_ratio']:.2f}"
                    for size, v in result[kind].items()
                )
                print(f"{kind:22} {cells}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--base", type=int, default=2000, help="topics made through the services (sizes: multiples)")
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--reuse", help="a folder: keep the database between runs and start from what it holds")
    parser.add_argument("--live", help="comma-separated URLs of kept databases, smallest first: interleaved samples")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--backend", default="postgres", help="postgres, or whoosh for SQLite (with --reuse DIR)")
    parser.add_argument("--skip", default="", help="live mode: comma-separated pages not to measure (e.g. suggest)")
    args = parser.parse_args()
    if args.live:
        live(args.live.split(","), args.requests, args.json, [k for k in args.skip.split(",") if k])
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    from sqlalchemy import text

    from app.extensions import db

    with fresh_app(args.backend, workdir=args.reuse) as (app, _):
        app.config["RATELIMIT_ENABLED"] = False
        started = time.perf_counter()
        current = db.session.scalar(text("SELECT count(*) FROM topics")) if args.reuse else 0
        if current:
            shrink(sizes[0])
            current = sizes[0]
            sample = list(range(args.base - 40, args.base + 1))
        else:
            sample = _base(args.base)
            current = args.base
        rows = []
        for size in sizes:
            load_started = time.perf_counter()
            if size > current:
                grow(args.base, size, current)
                current = size
            count = db.session.scalar(text("SELECT count(*) FROM topics"))
            loaded = time.perf_counter() - (started if size == sizes[0] else load_started)
            rows.append(
                {"topics": count, "load_s": round(loaded, 1), "p50_ms": measure(app, sample, args.requests, size)}
            )
            print(json.dumps(rows[-1]), flush=True)
            first, last = rows[0]["p50_ms"], rows[-1]["p50_ms"]
            ref0, ref = first["reference_login_page"], last["reference_login_page"]
            ratio = {k: round(v / first[k], 2) for k, v in last.items()}
            norm = {k: round((v / ref) / (first[k] / ref0), 2) for k, v in last.items()}
            print(json.dumps({"topics": count, "ratio_to_first": ratio, "normalised_ratio": norm}), flush=True)


if __name__ == "__main__":
    main()
