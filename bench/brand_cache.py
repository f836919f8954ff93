"""What the brand costs a request: the cached accessor's version check (one small SELECT, or a Redis GET) against
loading the brand every time and against a whole page request, measured in one run as ratios.

    .venv/bin/python -m bench.brand_cache [--database sqlite|postgres] [--redis redis://127.0.0.1:6379/5] [-n 2000]
"""

import argparse
import json
import os
import statistics
import tempfile
import time


def _per_call_us(fn, n: int) -> float:
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        samples.append((time.perf_counter() - start) / n * 1e6)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--redis", default="", help="REDIS_URL for the Redis-mirrored version check")
    parser.add_argument("-n", type=int, default=2000)
    args = parser.parse_args()

    from bench._support import pg_url
    from config import Config

    workdir = tempfile.mkdtemp(prefix="otklik-bench-brand-")

    class BenchConfig(Config):
        ENV_NAME = "bench"
        SECRET_KEY = "bench-only"
        SQLALCHEMY_DATABASE_URI = pg_url() if args.database == "postgres" else f"sqlite:///{workdir}/bench.db"
        SEARCH_INDEX_DIR = os.path.join(workdir, "search_index")
        UPLOAD_DIR = os.path.join(workdir, "uploads")
        BABEL_DEFAULT_LOCALE = "en"
        REDIS_URL = ""

    from app import create_app
    from app.auth import services as auth_services
    from app.branding import current_brand, store
    from app.branding.brand import Brand
    from app.demo import brand as demo_brand
    from app.extensions import db

    app = create_app(BenchConfig)
    with app.app_context():
        if args.database == "postgres":
            db.drop_all()
        db.create_all()
        admin = auth_services.register_user("bench@example.com", "correct-horse-battery-staple", "Bench", role="admin")
        demo_brand.load_brand(admin)
        db.session.commit()

    # Inside one open app context and session (as inside a request, whose other queries check a connection out
    # anyway): the marginal cost of the version check, and of loading and building the brand instead.
    def version_check():
        store.forget("brand")
        current_brand()

    def full_load():
        db.session.expire_all()
        Brand.from_value(*store.read("brand"))

    client = app.test_client()

    def page():
        client.get("/login")

    results = {"database": args.database, "n": args.n}
    with app.app_context():
        current_brand()
        results["version_check_db_us"] = _per_call_us(version_check, args.n)
        results["full_load_us"] = _per_call_us(full_load, args.n)
        if args.redis:
            app.config["REDIS_URL"] = args.redis
            current_brand()
            results["version_check_redis_us"] = _per_call_us(version_check, args.n)
            app.config["REDIS_URL"] = ""
        db.session.remove()
    results["page_login_us"] = _per_call_us(page, max(50, args.n // 20))
    results["db_check_vs_full_load"] = round(results["version_check_db_us"] / results["full_load_us"], 3)
    results["db_check_share_of_page"] = round(results["version_check_db_us"] / results["page_login_us"], 4)
    if args.redis:
        results["redis_check_share_of_page"] = round(results["version_check_redis_us"] / results["page_login_us"], 4)
    print(json.dumps({k: round(v, 1) if isinstance(v, float) and k.endswith("_us") else v for k, v in results.items()}))
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
