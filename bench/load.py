"""Load benchmark: simulated customers read, search, post and comment against gunicorn on loopback, with the
background workers running; then checks that nothing was lost. Stops by itself.

    .venv/bin/python -m bench.load --mode busy --backend whoosh            # SQLite + Whoosh, no Redis
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test_x REDIS_URL=redis://127.0.0.1:6379/7 \\
        .venv/bin/python -m bench.load --mode saturation --backend postgres

- `--mode busy`: each customer pauses about `--think` s (default 1, jittered) between requests;
  `--mode saturation`: no pauses.
- `--users` (50) customers, `--seconds` (120) of load, `gunicorn -w --workers` (2) with 4 threads each;
  with `--backend postgres` the database in BENCH_DATABASE_URL (its tables are dropped and created again),
  and with REDIS_URL set the jobs run on RQ with one `flask worker`; otherwise the in-process worker thread.
- Actions: home page, topic page, suggest (`/api/v1/suggest`), post a topic, comment. Each request has a
  10 s timeout; errors (status >= 500 or no answer) are counted.
- Afterwards it waits for the outboxes to drain (at most 120 s) and checks: every accepted post is in the
  database and in the index, and every queued e-mail was delivered exactly once (MAIL_BACKEND=outbox: kept
  as sent). One JSON line: per action count, p50/p95 ms; posts per second; the checks.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
CSRF_RE = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
PASSWORD = "bench-password-123"
WORDS = ("card", "blocked", "transfer", "cashback", "deposit", "limit", "PIN", "app", "login", "fee", "mortgage",
         "rate", "statement", "ATM", "refund", "payment", "account", "loan", "interest", "currency")
ACTIONS = (("home", 25), ("topic", 30), ("suggest", 20), ("post", 10), ("comment", 15))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _seed(backend: str, workdir: str, users: int, topics: int) -> tuple[dict, int]:
    """Fresh schema, customers, a category, some topics (through the services), indexed."""
    from app.admin import services as admin_services
    from app.auth import services as auth_services
    from app.community import services as community_services
    from app.extensions import db
    from app.search import outbox
    from app.staff import services as staff_services
    from bench._support import fresh_app

    rng = random.Random(7)
    with fresh_app(backend, workdir=workdir) as (app, _):
        if backend == "postgres":  # a kept workdir does not reset PostgreSQL: start from empty tables
            db.drop_all()
            db.create_all()
        department = staff_services.create_department("Cards")
        db.session.flush()
        category = admin_services.create_category("Cards", department.id)
        auth_services.register_user("rep@bench.example", PASSWORD, "Rep", role="representative").departments = [department]
        people = [auth_services.register_user(f"c{i}@bench.example", PASSWORD, f"Customer {i}") for i in range(users)]
        db.session.flush()
        for i in range(topics):
            community_services.create_topic(rng.choice(people), "question", f"{_text(rng, 5)} {i}",
                                            _text(rng, 30), category.id, mood="indifferent")
        db.session.commit()
        outbox.drain(time_limit=600)
        return {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}, category.id


class Customer(threading.Thread):
    def __init__(self, index, base, category_id, clock, think, results, lock, seed):
        super().__init__(daemon=True)
        self.index, self.base, self.category_id, self.clock, self.think = index, base, category_id, clock, think
        self.results, self.lock, self.rng = results, lock, random.Random(seed)
        self.http = requests.Session()
        self.token = ""

    def _record(self, action, started, ok, topic_id=None):
        with self.lock:
            self.results["lat"].setdefault(action, []).append((time.perf_counter() - started) * 1000)
            if not ok:
                self.results["errors"][action] = self.results["errors"].get(action, 0) + 1
            if topic_id:
                self.results["posted"].append(topic_id)

    def _login(self):
        page = self.http.get(f"{self.base}/login", timeout=10).text
        self.token = CSRF_RE.search(page).group(1)
        self.http.post(f"{self.base}/login", data={"csrf_token": self.token, "email": f"c{self.index}@bench.example",
                                                   "password": PASSWORD}, timeout=10)
        for action in ("home", "topic", "suggest"):  # warm-up, not measured (dictionaries, caches)
            self._one(action)

    def _one(self, action):
        topics = self.results["topics"]
        if action == "home":
            return self.http.get(f"{self.base}/", timeout=10), None
        if action == "topic":
            return self.http.get(f"{self.base}/t/{self.rng.choice(topics)}", timeout=10), None
        if action == "suggest":
            return self.http.get(f"{self.base}/api/v1/suggest", params={"title": _text(self.rng, 4)}, timeout=10), None
        if action == "post":
            response = self.http.post(f"{self.base}/new", data={
                "csrf_token": self.token, "type": "question", "title": f"{_text(self.rng, 5)} {uuid.uuid4().hex[:6]}",
                "body": _text(self.rng, 25), "category_id": self.category_id, "mood": "indifferent", "confirmed": "1"},
                allow_redirects=False, timeout=10)
            match = re.search(r"/t/(\d+)", response.headers.get("Location", ""))
            return response, int(match.group(1)) if response.status_code == 302 and match else None
        return self.http.post(f"{self.base}/t/{self.rng.choice(topics)}/comments",
                              data={"csrf_token": self.token, "body": _text(self.rng, 15)},
                              allow_redirects=False, timeout=10), None

    def run(self):
        try:
            self._login()
        except (requests.RequestException, AttributeError) as error:
            with self.lock:
                self.results["errors"]["login"] = self.results["errors"].get("login", 0) + 1
            print(f"customer {self.index}: sign-in failed: {error}", file=sys.stderr)
        self.clock["ready"].wait(300)  # everybody signed in: the measured period starts together
        names = [name for name, _ in ACTIONS]
        weights = [weight for _, weight in ACTIONS]
        while time.monotonic() < self.clock["until"]:
            action = self.rng.choices(names, weights)[0]
            started = time.perf_counter()
            try:
                response, topic_id = self._one(action)
                ok = response.status_code < 500
            except requests.RequestException:
                ok, topic_id = False, None
            self._record(action, started, ok, topic_id)
            if self.think:
                time.sleep(self.rng.uniform(0.5, 1.5) * self.think)


def _pct(values, q):
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1) if ordered else None


def _start(cmd, env, log_path):
    with open(log_path, "ab") as log:  # a file, not a pipe nobody reads (a full pipe would block the server)
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)


def _check(backend, workdir, posted, wait_s=120):
    """After the load: wait for the outboxes to drain, then: posts in the database and the index, mail once."""
    from sqlalchemy import func, select

    from app.community.models import Topic
    from app.jobs import stats
    from app.notify.models import MailMessage
    from app.search.backends import get_backend
    from bench._support import fresh_app

    with fresh_app(backend, workdir=workdir) as (_app, _):
        from app.extensions import db
        deadline = time.monotonic() + wait_s
        while True:
            backlog = sum(box["pending"] for box in stats.outbox_stats())
            if backlog == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
            db.session.rollback()
        in_db = set(db.session.scalars(select(Topic.id).where(Topic.id.in_(posted)))) if posted else set()
        indexed = {ref for kind, ref in get_backend().keys() if kind == "topic"}
        states = dict(db.session.execute(select(MailMessage.status, func.count()).group_by(MailMessage.status)).all())
        dupes = db.session.scalar(select(func.count()).select_from(
            select(MailMessage.message_id).group_by(MailMessage.message_id).having(func.count() > 1).subquery()))
        return {"backlog_left": backlog, "posts_accepted": len(posted), "posts_in_db": len(in_db),
                "posts_in_index": len(set(posted) & indexed), "mail": states, "mail_duplicates": dupes}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=("busy", "saturation"), default="busy")
    parser.add_argument("--backend", choices=("whoosh", "postgres"), default="whoosh")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--topics", type=int, default=300)
    args = parser.parse_args(argv)

    import tempfile
    workdir = tempfile.mkdtemp(prefix="otklik-load-")
    overrides, category_id = _seed(args.backend, workdir, args.users, args.topics)
    redis_url = os.environ.get("REDIS_URL", "")
    env = {**os.environ, "OTKLIK_ENV": "development", "FLASK_APP": "wsgi.py", "SECRET_KEY": "bench-only",
           "DATABASE_URL": overrides["SQLALCHEMY_DATABASE_URI"], "SEARCH_BACKEND": args.backend,
           "SEARCH_INDEX_DIR": os.path.join(workdir, "search_index"), "UPLOAD_DIR": os.path.join(workdir, "uploads"),
           "MAIL_BACKEND": "outbox", "LOG_LEVEL": "WARNING", "REDIS_URL": redis_url,
           "JOBS_QUEUE": f"bench-{uuid.uuid4().hex[:8]}", "JOBS_SWEEP_SECONDS": "2"}
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    procs = [_start([sys.executable, "-m", "gunicorn", "-w", str(args.workers), "--threads", "4", "-k", "gthread",
                     "-b", f"127.0.0.1:{port}", "wsgi:app"], env, os.path.join(workdir, "gunicorn.log"))]
    if redis_url:
        procs.append(_start([sys.executable, "-m", "flask", "worker"], env, os.path.join(workdir, "worker.log")))
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                if time.monotonic() > deadline:
                    raise SystemExit(f"gunicorn did not start; see {workdir}/gunicorn.log") from None
            time.sleep(0.2)
        from app.community.models import Topic
        from bench._support import fresh_app
        with fresh_app(args.backend, workdir=workdir) as (_app, _):
            from app.extensions import db
            topics = list(db.session.scalars(db.select(Topic.id)))
        results = {"lat": {}, "errors": {}, "posted": [], "topics": topics}
        lock = threading.Lock()
        think = args.think if args.mode == "busy" else 0.0
        clock = {"until": 0.0}
        clock["ready"] = threading.Barrier(args.users + 1,
                                           action=lambda: clock.update(until=time.monotonic() + args.seconds))
        crowd = [Customer(i, base, category_id, clock, think, results, lock, i) for i in range(args.users)]
        for person in crowd:
            person.start()
        clock["ready"].wait(300)
        started = time.monotonic()
        for person in crowd:
            person.join(args.seconds + 30)
        elapsed = time.monotonic() - started
        checks = _check(args.backend, workdir, results["posted"])
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
    report = {"mode": args.mode, "backend": args.backend, "redis": bool(redis_url), "users": args.users,
              "seconds": round(elapsed, 1), "workers": args.workers,
              "posts_per_s": round(len(results["posted"]) / elapsed, 2),
              "requests_per_s": round(sum(len(v) for v in results["lat"].values()) / elapsed, 1),
              "actions": {name: {"n": len(v), "p50_ms": _pct(v, 0.5), "p95_ms": _pct(v, 0.95),
                                 "mean_ms": round(statistics.fmean(v), 1), "errors": results["errors"].get(name, 0)}
                          for name, v in sorted(results["lat"].items())},
              "checks": checks}
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
