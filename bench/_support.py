"""Shared by the benchmarks: a fresh app on a temporary database and index, and bulk loading of topics
through the real path (community services -> outbox -> drain -> backend)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import statistics
import tempfile
import time

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
TITLE_MIN, TITLE_MAX, BODY_MAX = 5, 200, 20000
PAD = "·"  # pads too-short titles: a character the analyser ignores, so padding adds no terms


def pg_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL") or DEFAULT_PG_URL


@contextlib.contextmanager
def fresh_app(backend: str = "whoosh", keep: bool = False, workdir: str | None = None, settings: dict | None = None):
    """An app with an empty database and index, inside an app context. Yields (app, workdir).
    `settings` override the bench configuration (e.g. rate limits on, REDIS_URL).

    With `workdir` the SQLite database (or, for postgres, the tables in the PostgreSQL database) and the
    index are kept: a second run reuses what the first one loaded (the caller checks what is there).
    Without it, the postgres backend starts from dropped and re-created tables."""
    from config import Config

    reuse = workdir is not None
    if reuse:
        os.makedirs(workdir, exist_ok=True)
        keep = True
    else:
        workdir = tempfile.mkdtemp(prefix="otklik-bench-")

    class BenchConfig(Config):
        ENV_NAME = "bench"
        SECRET_KEY = "bench-only"
        SQLALCHEMY_DATABASE_URI = pg_url() if backend == "postgres" else f"sqlite:///{workdir}/bench.db"
        SEARCH_BACKEND = backend
        SEARCH_SYNC = "deferred"  # the loader drains once per batch
        SEARCH_INDEX_DIR = os.path.join(workdir, "search_index")
        UPLOAD_DIR = os.path.join(workdir, "uploads")
        WTF_CSRF_ENABLED = False
        BABEL_DEFAULT_LOCALE = "en"
        RATELIMIT_ENABLED = False  # a benchmark measures the code: one client asks far more than a customer would

    for name, value in (settings or {}).items():
        setattr(BenchConfig, name, value)
    from app import create_app
    from app.extensions import db

    app = create_app(BenchConfig)
    try:
        with app.app_context():
            if backend == "postgres" and not reuse:
                db.drop_all()
            db.create_all()  # no-op for the tables a kept workdir already has
            try:
                yield app, workdir
            finally:
                from app.search.backends import get_backend

                with contextlib.suppress(Exception):
                    get_backend().close()
                db.session.remove()
                db.engine.dispose()
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)


def seed():
    """A department, a category and an author for the loaded topics. Returns (author, category)."""
    from app.admin import services as admin_services
    from app.auth import services as auth_services
    from app.extensions import db
    from app.staff import services as staff_services

    department = staff_services.create_department("Support")
    db.session.flush()
    category = admin_services.create_category("General", department.id)
    author = auth_services.register_user("bench.author@example.com", "bench-password-123", "Bench Author")
    db.session.commit()
    return author, category


class LoadStats:
    def __init__(self):
        self.docs = 0
        self.padded_titles = 0
        self.cut_titles = 0
        self.cut_bodies = 0
        self.ideas = 0
        self.nul_dropped = 0
        self.seconds = 0.0

    def as_dict(self):
        return {k: (round(v, 1) if isinstance(v, float) else v) for k, v in vars(self).items()}


def fit_topic(title: str, body: str, stats: LoadStats) -> tuple[str, str, str]:
    """(type, title, body) acceptable to create_topic: short titles padded, long ones cut, an empty body
    makes the topic an idea (ideas may have no body). NUL characters are dropped: the web forms refuse
    them (app/common/guards.py) and PostgreSQL text cannot hold them."""
    if "\x00" in (title or "") + (body or ""):
        title, body = (title or "").replace("\x00", ""), (body or "").replace("\x00", "")
        stats.nul_dropped += 1
    title = " ".join((title or "").split())
    body = (body or "").strip()
    if len(title) < TITLE_MIN:
        title = f"{title} {PAD}" if title else PAD
        title += PAD * max(0, TITLE_MIN - len(title))
        stats.padded_titles += 1
    if len(title) > TITLE_MAX:
        title = title[:TITLE_MAX].rstrip()
        stats.cut_titles += 1
    if len(body) > BODY_MAX:
        body = body[:BODY_MAX]
        stats.cut_bodies += 1
    topic_type = "question" if body else "idea"
    if not body:
        stats.ideas += 1
    return topic_type, title, body


def load_topics(rows, batch: int = 500, progress=None) -> tuple[dict[int, object], LoadStats]:
    """Create a topic per (key, title, body) through community services; commit and drain per batch.
    Returns ({topic_id: key}, stats)."""
    from app.community.services import create_topic
    from app.extensions import db
    from app.search import outbox

    author, category = seed()
    stats = LoadStats()
    id_map: dict[int, object] = {}
    started = time.perf_counter()
    pending = 0
    for key, title, body in rows:
        topic_type, title, body = fit_topic(title, body, stats)
        topic = create_topic(author, topic_type, title, body, category.id, mood="indifferent")
        id_map[topic.id] = key
        stats.docs += 1
        pending += 1
        if pending >= batch:
            db.session.commit()
            outbox.drain()
            pending = 0
            if progress:
                progress(stats.docs)
    db.session.commit()
    outbox.drain()
    left = outbox.pending_count()
    if left:
        raise RuntimeError(f"{left} outbox rows were not applied")
    if db.engine.dialect.name == "postgresql":
        # Planner statistics for the freshly loaded tables, as autovacuum would gather them in production
        # (it may be off on a test server): without them PostgreSQL guesses a handful of rows per term.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    stats.seconds = time.perf_counter() - started
    return id_map, stats


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    k = (len(values) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def ms_summary(seconds: list[float]) -> dict:
    ms = [s * 1000.0 for s in seconds]
    return {
        "p50_ms": round(percentile(ms, 50), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "mean_ms": round(statistics.fmean(ms), 2) if ms else 0.0,
    }


def print_result(line: dict, as_json: bool, width: int = 20) -> None:
    """A bench's result: one JSON line, or one `key: value` line per figure (keys right-aligned to `width`)."""
    if as_json:
        print(json.dumps(line, ensure_ascii=False))
        return
    for key, value in line.items():
        print(f"{key:>{width}}: {value}")


CAPPED_ORDER = "ORDER BY d.popularity DESC, d.kind DESC, d.ref_id DESC LIMIT :max_candidates"


def capped_candidates(conn, sql: str, params: dict, end: str = CAPPED_ORDER) -> list[tuple[str, int]]:
    """The capped candidate subquery of a recorded ranking statement (app/search/backends/pg_ranking.ranked), run
    alone: its (kind, ref_id) in order. `end`: the text that closes the subquery (its ORDER BY ... LIMIT)."""
    from sqlalchemy import text

    from app.search.backends import pg_ranking

    start = sql.index(f"SELECT {pg_ranking._CANDIDATE_COLUMNS} FROM search_documents d")
    stop = sql.index(end) + len(end)
    return [tuple(r) for r in conn.execute(text(f"SELECT kind, ref_id FROM ({sql[start:stop]}) AS x"), params)]


def alternate_arms(app, titles: list[str], warm: list[str], arms: tuple[str, str], state: dict, after_title) -> tuple:
    """Two variants ("arms") of suggest() on the same data, per title, alternating which goes first. The caller has
    patched the code under test to read `state["arm"]`, to add its ranking SQL's seconds to `state["ranked_s"]` and
    to record its statements in `state["seen"]`. After each title: after_title(n, title, got, seen, sql_times), with
    each arm's suggested ids and statements. Returns (suggest seconds, ranking SQL seconds) per arm and the load
    averages met on the way."""
    from app.search import service
    from app.search.documents import Scope

    times: dict[str, list[float]] = {arm: [] for arm in arms}
    sql_times: dict[str, list[float]] = {arm: [] for arm in arms}
    load = [os.getloadavg()[0]]
    scope = Scope()
    with app.test_request_context("/"):
        for arm in arms:
            state["arm"] = arm
            for q in warm:
                service.suggest(q, "", scope, limit=10)
        for n, q in enumerate(titles):
            got, seen = {}, {}
            for arm in arms if n % 2 == 0 else arms[::-1]:
                state.update(arm=arm, seen=[], ranked_s=0.0)
                started = time.perf_counter()
                got[arm] = [i["id"] for i in service.suggest(q, "", scope, limit=10)]
                times[arm].append(time.perf_counter() - started)
                sql_times[arm].append(state["ranked_s"])
                seen[arm] = state["seen"]
            after_title(n, q, got, seen, sql_times)
            if n % 50 == 0:
                load.append(os.getloadavg()[0])
    return times, sql_times, load


def add_settings_argument(parser) -> None:
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an app setting for the whole run, before loading (e.g. SEARCH_E5_LATIN=1, SEARCH_E5_THREADS=2); "
        "VALUE is read as JSON when it parses, else kept as text",
    )


def parse_settings(parser, items: list[str]) -> dict:
    """--set KEY=VALUE items as app settings."""
    settings = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            parser.error(f"--set {item}: KEY=VALUE expected")
        try:
            settings[key] = json.loads(value)
        except ValueError:
            settings[key] = value
    return settings
