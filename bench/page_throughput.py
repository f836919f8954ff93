"""Anonymous page throughput against a bare Flask "hello" route, all under gunicorn with the same workers and
measured in the same run with `wrk` (Debian package `wrk`): the page cache answered by its WSGI fast path
(app/common/fastpath.py), by the Flask path (PAGE_CACHE_FAST=0), and optionally with no cache (PAGE_CACHE=0).

    .venv/bin/python -m bench.page_throughput [--setup NAME=DATABASE_URL[,REDIS_URL]]... [--uncached] \\
        [--checkout NAME=DIR]... [--modes fast,flask] [--workers 2] [--threads 1] [--connections 16] \\
        [--seconds 8] [--rounds 2] [--json]

Each --setup names a database (load the demo first: `flask db upgrade && flask demo`) and, for the Redis page
cache, a Redis URL; a setup with a PostgreSQL URL uses SEARCH_BACKEND=postgres. Without --setup: DATABASE_URL and
REDIS_URL from the environment. Each round measures hello, then the home page and a topic page on every server;
the figures are the best round of each (the machine may be shared), and the median over rounds of each round's
own ratio to hello (`ratio_to_hello_median_of_rounds`, steadier when the load changes between rounds). The load average is printed before and after.
--checkout NAME=DIR serves every setup a second time from another checkout (before/after in one run: e.g.
`git worktree add --detach ../base main`); its figures end in _NAME.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def gunicorn(target: str, port: int, args, cwd=ROOT, **env):
    cmd = [sys.executable, "-m", "gunicorn", "-w", str(args.workers), "-b", f"127.0.0.1:{port}", target]
    if args.threads > 1:
        cmd += ["--threads", str(args.threads)]
    proc = subprocess.Popen(
        cmd, cwd=cwd, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read()
                break
            except Exception:
                if time.time() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"{target} did not start") from None
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wrk(url: str, args) -> float:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", url], capture_output=True, text=True, check=True
    ).stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"errors from {url}:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def topic_path(base: str) -> str:
    with urllib.request.urlopen(f"{base}/t/1") as response:  # follows the redirect to the canonical address
        return response.url.removeprefix(base)


def setups(args) -> dict[str, dict]:
    """name -> the environment of that setup's servers."""
    if not args.setup:
        return {"env": {}}
    found = {}
    for spec in args.setup:
        name, _, urls = spec.partition("=")
        database, _, redis_url = urls.partition(",")
        env = {"DATABASE_URL": database, "REDIS_URL": redis_url}
        if database.startswith("postgresql"):
            env["SEARCH_BACKEND"] = "postgres"
        found[name] = env
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setup", action="append", default=[], help="NAME=DATABASE_URL[,REDIS_URL]")
    parser.add_argument("--uncached", action="store_true", help="also measure with PAGE_CACHE=0")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--port", type=int, default=8771)
    parser.add_argument(
        "--checkout",
        action="append",
        default=[],
        help="NAME=DIR: also serve every setup from this checkout (e.g. a worktree of main), as <setup>_<page>_<mode>_NAME",
    )
    parser.add_argument("--modes", default="fast,flask", help="which of fast,flask (and uncached) to measure")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    modes = {"fast": {"PAGE_CACHE": "1", "PAGE_CACHE_FAST": "1"}, "flask": {"PAGE_CACHE": "1", "PAGE_CACHE_FAST": "0"}}
    if args.uncached:
        modes["uncached"] = {"PAGE_CACHE": "0"}
    modes = {name: env for name, env in modes.items() if name in args.modes.split(",") or name == "uncached"}
    checkouts = {"": ROOT} | {f"_{name}": Path(d).resolve() for name, _, d in (c.partition("=") for c in args.checkout)}
    load_before = os.getloadavg()
    best: dict[str, float] = {}
    with contextlib.ExitStack() as stack:
        port = args.port
        hello = stack.enter_context(gunicorn("bench.hello_wsgi:app", port, args))
        runs = {"hello": f"{hello}/"}
        for setup, env in setups(args).items():
            for mode, mode_env in modes.items():
                for suffix, cwd in checkouts.items():
                    port += 1
                    base = stack.enter_context(gunicorn("wsgi:app", port, args, cwd=cwd, **env, **mode_env))
                    topic = topic_path(base)
                    for _ in range(2):  # store the pages
                        for path in ("/", topic):
                            urllib.request.urlopen(f"{base}{path}").read()
                    runs[f"{setup}_home_{mode}{suffix}"] = f"{base}/"
                    runs[f"{setup}_topic_{mode}{suffix}"] = f"{base}{topic}"
        rounds: list[dict[str, float]] = []
        for _ in range(args.rounds):
            rounds.append({name: wrk(url, args) for name, url in runs.items()})
            for name, value in rounds[-1].items():
                best[name] = max(best.get(name, 0.0), value)
    result = {k: round(v, 1) for k, v in best.items()}
    result["ratio_to_hello"] = {k: round(v / best["hello"], 3) for k, v in best.items() if k != "hello"}
    # each round's own ratios (a shared machine's load changes between rounds), and their median
    per_round = [{k: v / one["hello"] for k, v in one.items() if k != "hello"} for one in rounds]
    result["ratio_to_hello_median_of_rounds"] = {
        k: round(statistics.median(r[k] for r in per_round), 3) for k in per_round[0]
    }
    result["rounds"] = [{k: round(v, 1) for k, v in one.items()} for one in rounds]
    result["settings"] = {"workers": args.workers, "threads": args.threads, "connections": args.connections}
    result["load_average"] = {"before": load_before, "after": os.getloadavg()}
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
