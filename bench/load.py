"""Customers under load: reading, searching (suggest), posting and commenting against gunicorn, then a check
that nothing accepted was lost (every posted topic and comment in the database, every topic in the index).

    .venv/bin/python -m bench.load --backend postgres --redis redis://127.0.0.1:6379/4 --mode busy
    .venv/bin/python -m bench.load --backend sqlite --mode saturation --duration 30
    .venv/bin/python -m bench.load ... --variant PAGE_CACHE=0 --variant PAGE_CACHE=1   (before/after, one run)

With SEARCH_SYNC=deferred or MAIL_SEND=deferred in a variant, a stand-in worker thread in this process drains
the search outbox and sends the queued mail every `--drain-every` seconds (the job queue's worker in production).
busy: `--customers` (50) each pausing about `--pause` (1 s) between requests; saturation: no pauses. Each
customer is signed in (logins happen before the clock starts); `--visitors` of them (a fraction) only read and
search, as visitors who are not signed in. Rate limits are raised on the server (all customers share 127.0.0.1).
The data: `--topics` generated topics (bench/community_gen.py) loaded through the services into a fresh
database (BENCH_DATABASE_URL for postgres, a temporary SQLite file otherwise). Loopback only; it stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench import cpu_split
from bench._support import fresh_app, load_topics, ms_summary, pg_url
from bench.community_gen import generate, typed_prefixes
from bench.httpclient import Browser

PASSWORD = "bench-password-123"
ROOT = Path(__file__).resolve().parent.parent
# What a customer does next (weights); visitors only read and search.
ACTIONS = {"topic_page": 35, "home": 10, "category": 5, "suggest": 25, "post": 10, "comment": 15}
VISITOR_ACTIONS = {"topic_page": 50, "home": 15, "category": 10, "suggest": 25}
TOPIC_URL = re.compile(r"/t/(\d+)-[^#?]*(?:#c(\d+))?")


def prepare(backend: str, topics: int, customers: int) -> dict:
    """A fresh database (and index, in a new working folder) with `topics` topics and the customers' accounts."""
    from app.auth import services as auth_services
    from app.community.models import Category, Topic
    from app.extensions import db

    with fresh_app(_search(backend), keep=True) as (app, workdir):
        load_topics((i, title, body) for i, (_k, title, body) in enumerate(generate(topics)))
        for i in range(customers):
            auth_services.register_user(f"customer{i}@bench.example", PASSWORD, f"Customer {i}")
        db.session.commit()
        rows = db.session.query(Topic.id, Topic.title).order_by(Topic.id).all()
        categories = [c.slug for c in db.session.query(Category).all()]
        category_ids = [c.id for c in db.session.query(Category).all()]
        return {
            "topics": [(tid, f"/t/{tid}-{Topic(title=title).slug}") for tid, title in rows],
            "titles": [title for _tid, title in rows[:500]],
            "categories": categories,
            "category_ids": category_ids,
            "database": app.config["SQLALCHEMY_DATABASE_URI"],
            "workdir": workdir,
        }


def _search(backend: str) -> str:
    """fresh_app's backend for --backend: SQLite goes with the embedded Whoosh index, PostgreSQL with its own."""
    return "postgres" if backend == "postgres" else "whoosh"


@contextlib.contextmanager
def server(args, data: dict, workdir: str, extra_env: dict):
    """gunicorn (and, with --redis, one `flask worker` process) from the checkout CHECKOUT names in the variant
    (default: this one), so that one invocation can compare two versions of the code on the same data."""
    extra_env = dict(extra_env)
    root = Path(extra_env.pop("CHECKOUT", ROOT)).resolve()
    config = extra_env.pop("GUNICORN_CONFIG", args.gunicorn_config)
    env = dict(os.environ)
    database = data["database"].replace("postgresql+psycopg://", "postgresql://")
    env.update(
        {
            "DATABASE_URL": database,
            "SEARCH_BACKEND": "postgres" if args.backend == "postgres" else "whoosh",
            "SEARCH_INDEX_DIR": os.path.join(workdir, "search_index"),
            "UPLOAD_DIR": os.path.join(workdir, "uploads"),
            "SECRET_KEY": "bench-only",
            "MAIL_BACKEND": "outbox",
            "REDIS_URL": args.redis or "",
            "RATELIMIT_POST": "100000/minute",
            "RATELIMIT_POST_NEW": "100000/minute",
            "RATELIMIT_SUGGEST": "100000/minute",
            "RATELIMIT_SIGNIN": "100000/minute",
            "RATELIMIT_SIGNIN_ACCOUNT": "100000/minute",
        }
    )
    if args.smtp_port:
        env.update({"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(args.smtp_port)})
    env.update(extra_env)
    cmd = [sys.executable, "-m", "gunicorn", "-w", str(args.workers), "-b", f"127.0.0.1:{args.port}", "wsgi:app"]
    if config:  # e.g. docs/gunicorn.conf.py (gthread, 4 threads); -w and -b above take precedence over the file
        cmd[3:3] = ["-c", str((root / config).resolve())]
    procs = []
    with open(os.path.join(workdir, "gunicorn.log"), "ab") as log:
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=log)
        procs.append(proc)
        if args.redis and args.worker:  # the RQ worker, as in production (JOBS_MODE rq)
            worker = [sys.executable, "-m", "flask", "--app", "wsgi:app", "worker"]
            procs.append(subprocess.Popen(worker, cwd=root, env=env, stdout=log, stderr=log))
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=2).read()
                break
            except Exception:
                if time.time() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"gunicorn did not start: see {workdir}/gunicorn.log") from None
                time.sleep(0.3)
        yield procs
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(60)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


class Run:
    def __init__(self, args, data: dict):
        self.args, self.data = args, data
        self.times: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.posted_topics: list[int] = []
        self.posted_comments: list[int] = []
        self.topics = list(data["topics"])
        self.rng = random.Random(1551)
        self.titles = generate(10**9, seed=int(time.time()))

    def record(self, kind: str, response, ok_statuses=(200,)) -> bool:
        if response.status in ok_statuses:
            self.times.setdefault(kind, []).append(response.seconds)
            return True
        self.errors[f"{kind}:{response.status}"] = self.errors.get(f"{kind}:{response.status}", 0) + 1
        return False

    async def sign_in(self, browser: Browser, i: int) -> str:
        async with self.signing_in:  # password hashing is slow on purpose: two at a time, not timed
            return await self._sign_in(browser, i)

    async def _sign_in(self, browser: Browser, i: int) -> str:
        browser.timeout = 300.0
        page = await browser.get("/login")
        token = page.csrf_token()
        response = await browser.post(
            "/login", {"email": f"customer{i}@bench.example", "password": PASSWORD, "csrf_token": token}
        )
        if response.status != 302:
            raise RuntimeError(f"customer{i} could not sign in: {response.status}")
        token = (await browser.get("/")).csrf_token()
        browser.timeout = self.args.timeout
        return token

    async def act(self, kind: str, browser: Browser, token: str | None) -> None:
        if kind == "topic_page":
            _tid, url = self.rng.choice(self.topics)
            self.record(kind, await browser.get(url))
        elif kind == "home":
            self.record(kind, await browser.get("/"))
        elif kind == "category":
            self.record(kind, await browser.get(f"/c/{self.rng.choice(self.data['categories'])}"))
        elif kind == "suggest":
            prefix = self.rng.choice(typed_prefixes(self.rng.choice(self.data["titles"])) or ["карта"])
            self.record(kind, await browser.get("/api/v1/suggest?" + _q(title=prefix)))
        elif kind == "post":
            await self.post(browser, token)
        elif kind == "comment":
            tid, _url = self.rng.choice(self.topics)
            form = {"body": f"Ответ под нагрузкой {self.rng.random():.6f}", "csrf_token": token}
            response = await browser.post(f"/t/{tid}/comments", form)
            if self.record(kind, response, (302,)):
                found = TOPIC_URL.search(response.header("location") or "")
                if found and found.group(2):
                    self.posted_comments.append(int(found.group(2)))

    async def post(self, browser: Browser, token: str | None) -> None:
        _key, title, body = next(self.titles)
        form = {
            "type": "question",
            "title": title[:200] if len(title) >= 5 else title + " ·····",
            "body": body or "Подробности",
            "category_id": str(self.rng.choice(self.data["category_ids"])),
            "mood": "indifferent",
            "confirmed": "1",
            "csrf_token": token,
        }
        response = await browser.post("/new", form)
        if self.record("post", response, (302,)):
            location = response.header("location") or ""
            found = TOPIC_URL.search(location)
            if found:
                self.posted_topics.append(int(found.group(1)))
                self.topics.append((int(found.group(1)), location[location.index("/t/") :]))

    async def customer(self, i: int, start: asyncio.Event) -> None:
        browser = Browser(self.args.port, timeout=self.args.timeout)
        visitor = i < round(self.args.customers * self.args.visitors)
        token = None if visitor else await self.sign_in(browser, i)
        actions = VISITOR_ACTIONS if visitor else self.args.actions
        async with self.signing_in:  # warm-up, not timed: what each server process loads on first use
            browser.timeout = 300.0
            await browser.get(self.rng.choice(self.topics)[1])
            await browser.get("/api/v1/suggest?" + _q(title=self.rng.choice(self.data["titles"])))
            browser.timeout = self.args.timeout
        self.ready += 1
        await start.wait()
        while time.perf_counter() < self.deadline:
            kind = self.rng.choices(list(actions), weights=list(actions.values()))[0]
            try:
                await self.act(kind, browser, token)
            except (OSError, TimeoutError) as error:
                name = f"{kind}:{type(error).__name__}"
                self.errors[name] = self.errors.get(name, 0) + 1
            if self.args.mode == "busy":
                await asyncio.sleep(self.rng.uniform(0.5, 1.5) * self.args.pause)

    async def run(self) -> float:
        """Sign everyone in (not timed), then let them loose for `duration` seconds."""
        start, self.ready, self.signing_in = asyncio.Event(), 0, asyncio.Semaphore(2)
        tasks = []
        for i in range(self.args.customers):
            tasks.append(asyncio.create_task(self.customer(i, start)))
            await asyncio.sleep(0.02)
        while self.ready < self.args.customers:
            if any(t.done() for t in tasks):  # a sign-in failed: report it
                await asyncio.gather(*tasks)
            await asyncio.sleep(0.1)
        self.cpu_before = cpu_split.snapshot(self.cpu_groups, self.database_name, alone=("client",))
        began = time.perf_counter()
        self.deadline = began + self.args.duration
        start.set()
        await asyncio.gather(*tasks)
        seconds = time.perf_counter() - began
        self.cpu = cpu_split.split(
            self.cpu_before, cpu_split.snapshot(self.cpu_groups, self.database_name, alone=("client",)), seconds
        )
        return seconds


def _q(**params) -> str:
    from urllib.parse import urlencode

    return urlencode(params)


def verify(backend: str, workdir: str, run: Run, sink=None) -> dict:
    """Every accepted topic and comment is in the database; after draining the outbox, every topic is indexed;
    with an SMTP sink, after composing what the worker had not (notify_events) and sending what is queued, every
    e-mail of the run's comments was delivered exactly once."""
    from sqlalchemy import func, select

    from app.community.models import Comment, Topic
    from app.extensions import db
    from app.notify import outbox as notify_outbox
    from app.notify import sender
    from app.notify.models import MailMessage
    from app.search import outbox
    from app.search.backends import get_backend

    settings = {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": sink.port} if sink else None
    with fresh_app(_search(backend), workdir=workdir, settings=settings):
        topics = set(db.session.scalars(select(Topic.id).where(Topic.id.in_(run.posted_topics or [0]))))
        comments = set(db.session.scalars(select(Comment.id).where(Comment.id.in_(run.posted_comments or [0]))))
        pending_before = outbox.pending_count()
        while outbox.pending_count():
            outbox.drain()
        indexed = {ref for kind, ref in get_backend().keys() if kind == "topic"}  # noqa: SIM118 (a backend method)
        mail = {}
        if sink is not None:
            queued_at_end = db.session.scalar(select(func.count()).where(MailMessage.status == "queued"))
            # what the worker had not composed yet (notify_events rows): composed now, as the queue would
            events_at_end = notify_outbox.pending()
            notify_outbox.compose_due()
            db.session.remove()
            events_left = notify_outbox.pending()
            for _ in range(100):
                if not sender.send_queued(retry_now=True).sent:
                    break
            ids = [d.message["Message-ID"] for d in sink.deliveries if d.started >= run.started]
            statuses = dict(
                db.session.execute(
                    select(MailMessage.status, func.count())
                    .where(MailMessage.comment_id.in_(run.posted_comments or [0]))
                    .group_by(MailMessage.status)
                ).all()
            )
            run_ids = set(
                db.session.scalars(
                    select(MailMessage.message_id).where(MailMessage.comment_id.in_(run.posted_comments or [0]))
                )
            )
            mail = {
                "notify_events_pending_at_end": events_at_end,
                "notify_events_not_composed": events_left,
                "mail_queued_at_end": queued_at_end,
                "mail_rows_of_run_comments": statuses,
                "mail_delivered_of_run_comments": sum(1 for i in ids if i in run_ids),
                "mail_rows_not_delivered": len(run_ids - set(ids)),
                "mail_delivered_twice": len(ids) - len(set(ids)),
            }
        return {
            "topics_accepted": len(run.posted_topics),
            "topics_missing_in_db": len(set(run.posted_topics) - topics),
            "topics_missing_in_index": len(set(run.posted_topics) - indexed),
            "comments_accepted": len(run.posted_comments),
            "comments_missing_in_db": len(set(run.posted_comments) - comments),
            "outbox_pending_at_end": pending_before,
            **mail,
        }


class _Sink:
    """An SMTP server on 127.0.0.1 (aiosmtpd) that keeps the Message-ID and arrival time of each delivery."""

    def __init__(self):
        import socket
        import threading

        from aiosmtpd.controller import Controller

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.deliveries: list = []
        self.lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    async def handle_DATA(self, _server, _session, envelope):
        import email
        import email.policy
        import types

        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.deliveries.append(types.SimpleNamespace(message=message, started=time.time()))
        return "250 2.0.0 OK"


def _start_sink() -> _Sink:
    return _Sink()


def _drain_loop(backend: str, workdir: str, every: float, stop) -> None:
    from app.notify import sender
    from app.search import outbox

    with fresh_app(_search(backend), workdir=workdir):
        while not stop.wait(every):
            outbox.drain()
            sender.send_queued(limit=500)


@contextlib.contextmanager
def drainer(backend: str, workdir: str, every: float):
    """A stand-in for the background worker (SEARCH_SYNC/MAIL_SEND=deferred): a process of its own (not a thread
    of the load client, which it would slow down) drains the search outbox and sends queued mail every `every`
    seconds while the customers run."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    process = context.Process(target=_drain_loop, args=(backend, workdir, every, stop), daemon=True)
    process.start()
    try:
        yield process
    finally:
        stop.set()
        process.join(120)


def one_run(args, data, workdir, extra_env: dict) -> dict:
    deferred = "deferred" in (extra_env.get("SEARCH_SYNC"), extra_env.get("MAIL_SEND"))
    worker = drainer(args.backend, workdir, args.drain_every) if deferred else contextlib.nullcontext()
    with server(args, data, workdir, extra_env) as procs, worker as drain_process:
        run = Run(args, data)
        run.cpu_groups = {"client": [os.getpid()], "gunicorn": [procs[0].pid]}
        if len(procs) > 1:
            run.cpu_groups["flask_worker"] = [procs[1].pid]
        if drain_process is not None:
            run.cpu_groups["drainer"] = [drain_process.pid]
        run.database_name = data["database"].rsplit("/", 1)[-1] if args.backend == "postgres" else ""
        run.started = time.time()
        seconds = asyncio.run(run.run())
    result = {
        "variant": extra_env,
        "seconds": round(seconds, 1),
        "requests": sum(len(v) for v in run.times.values()),
        "posts_per_s": round(len(run.posted_topics) / seconds, 1),
        "comments_per_s": round(len(run.posted_comments) / seconds, 1),
        "kinds": {k: {"n": len(v), **ms_summary(v)} for k, v in sorted(run.times.items())},
        "errors": run.errors,
        "cpu": run.cpu,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    result["lost"] = verify(args.backend, workdir, run, args.sink)
    return result


def _weights(value: str) -> dict[str, int]:
    weights = {kind: int(weight) for kind, weight in (pair.split("=", 1) for pair in value.split(","))}
    unknown = set(weights) - set(ACTIONS)
    if unknown or not any(weights.values()):
        raise argparse.ArgumentTypeError(f"kinds are {', '.join(ACTIONS)}, with at least one weight above 0")
    return weights


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("postgres", "sqlite"), default="sqlite")
    parser.add_argument("--mode", choices=("busy", "saturation"), default="busy")
    parser.add_argument("--customers", type=int, default=50)
    parser.add_argument("--visitors", type=float, default=0.5, help="fraction that only reads and searches")
    parser.add_argument("--pause", type=float, default=1.0)
    parser.add_argument(
        "--actions",
        type=_weights,
        default=ACTIONS,
        help="what a signed-in customer does next, as KIND=WEIGHT[,KIND=WEIGHT] (default: "
        + ",".join(f"{k}={w}" for k, w in ACTIONS.items())
        + "); e.g. post=10,comment=15 with --visitors 0 for writers only",
    )
    parser.add_argument("--duration", type=float, default=120.0)
    parser.add_argument("--topics", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8761)
    parser.add_argument(
        "--gunicorn-config",
        default="",
        help="gunicorn -c FILE, relative to the checkout (e.g. docs/gunicorn.conf.py: gthread, 4 threads); "
        "a variant may set GUNICORN_CONFIG=FILE (or GUNICORN_CONFIG= for none)",
    )
    parser.add_argument("--redis", default="", help="REDIS_URL for the server (sessions, limits, caches)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds before a request counts as failed")
    parser.add_argument("--drain-every", type=float, default=0.5, help="seconds between the stand-in worker's drains")
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        help="KEY=VALUE[,KEY=VALUE] server settings; CHECKOUT=DIR runs the server from another checkout",
    )
    parser.add_argument("--no-worker", dest="worker", action="store_false", help="with --redis: no `flask worker`")
    parser.add_argument("--smtp", action="store_true", help="send mail to an SMTP sink here; check exactly-once")
    args = parser.parse_args()
    args.sink = _start_sink() if args.smtp else None
    args.smtp_port = args.sink.port if args.sink else 0
    if args.backend == "postgres":
        os.environ.setdefault("BENCH_DATABASE_URL", pg_url())
    data = prepare(args.backend, args.topics, args.customers)
    workdir = data["workdir"]
    variants = [dict(pair.split("=", 1) for pair in v.split(",")) for v in args.variant] or [{}]
    for extra_env in variants:
        result = {
            "backend": args.backend,
            "mode": args.mode,
            "customers": args.customers,
            "visitors": args.visitors,
            "actions": args.actions,
            **one_run(args, data, workdir, extra_env),
        }
        print(json.dumps(result, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
