"""Anonymous page throughput against a bare Flask "hello" route, both under gunicorn with the same workers and
measured in the same run with `wrk` (Debian package `wrk`), with the page cache on and off.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_x SEARCH_BACKEND=postgres \\
    REDIS_URL=redis://127.0.0.1:6379/4 .venv/bin/python -m bench.page_throughput [--workers 2] [--threads 1] \\
        [--connections 16] [--seconds 8] [--rounds 2] [--json]

Uses the database named by DATABASE_URL as it is (load the demo first: `flask db upgrade && flask demo`). Each
round measures hello, then the home page and a topic page on a server with PAGE_CACHE=1 and one with
PAGE_CACHE=0, one after the other; the figures are the best round of each (the machine may be shared).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def gunicorn(target: str, port: int, args, **env):
    cmd = [sys.executable, "-m", "gunicorn", "-w", str(args.workers), "-b", f"127.0.0.1:{port}", target]
    if args.threads > 1:
        cmd += ["--threads", str(args.threads)]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--port", type=int, default=8771)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    best: dict[str, float] = {}
    with (
        gunicorn("bench.hello_wsgi:app", args.port, args) as hello,
        gunicorn("wsgi:app", args.port + 1, args, PAGE_CACHE="1") as cached,
        gunicorn("wsgi:app", args.port + 2, args, PAGE_CACHE="0") as uncached,
    ):
        topic = topic_path(cached)
        for _ in range(args.rounds):
            runs = {
                "hello": f"{hello}/",
                "home_cached": f"{cached}/",
                "topic_cached": f"{cached}{topic}",
                "home_uncached": f"{uncached}/",
                "topic_uncached": f"{uncached}{topic}",
            }
            for name, url in runs.items():
                best[name] = max(best.get(name, 0.0), wrk(url, args))
    result = {k: round(v, 1) for k, v in best.items()}
    result["ratio_to_hello"] = {k: round(v / best["hello"], 3) for k, v in best.items() if k != "hello"}
    result["settings"] = {"workers": args.workers, "threads": args.threads, "connections": args.connections}
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
