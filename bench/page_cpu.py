"""CPU per anonymous page-cache hit, in process (no HTTP server): the page cache's fast path, its Flask path
(PAGE_CACHE_FAST off) and a bare Flask "hello", called as WSGI applications in the same process and run. A
complement to bench/page_throughput.py that a busy machine disturbs less (CPU time, not requests per second).

    DATABASE_URL=... [REDIS_URL=...] .venv/bin/python -m bench.page_cpu [--calls 2000] [--rounds 3]

Uses the database named by DATABASE_URL as it is (load the demo first). Each visitor is new (no cookies), as
with wrk. The figures are the best round of each, in microseconds of CPU per request.
"""

import argparse
import json
import os
import time
from urllib.parse import urlsplit

from werkzeug.test import EnvironBuilder


def cpu_per_call(app, path: str, calls: int) -> float:
    environs = [EnvironBuilder(path=path).get_environ() for _ in range(calls)]

    def start_response(status, headers, exc_info=None):
        assert status.startswith("200"), (path, status)

    started = time.process_time()
    for environ in environs:
        body = app(environ, start_response)
        b"".join(body)
        if hasattr(body, "close"):
            body.close()
    return (time.process_time() - started) / calls * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    from app import create_app
    from bench.hello_wsgi import app as hello

    app = create_app()
    app.config["PAGE_CACHE"] = True
    topic = urlsplit(app.test_client().get("/t/1").headers["Location"]).path  # the canonical address
    for path in ("/", topic, "/", topic):  # store the pages
        app.test_client().get(path)
    best: dict[str, float] = {}
    for _ in range(args.rounds):
        runs = {"hello": (hello, "/", None)}
        for mode, fast in (("fast", True), ("flask", False)):
            runs[f"home_{mode}"] = (app, "/", fast)
            runs[f"topic_{mode}"] = (app, topic, fast)
        for name, (wsgi, path, fast) in runs.items():
            if fast is not None:
                app.config["PAGE_CACHE_FAST"] = fast
            cpu = cpu_per_call(wsgi, path, args.calls)
            best[name] = min(best.get(name, cpu), cpu)
    result = {name: round(us, 1) for name, us in best.items()}
    result["hello_share"] = {name: round(best["hello"] / us, 3) for name, us in best.items() if name != "hello"}
    result["redis"] = bool(app.config.get("REDIS_URL"))
    result["load_average"] = os.getloadavg()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
