"""Does the answer time tell whether an e-mail address has an account?

Times, through the full request path (test client, production Argon2 parameters, mail to the outbox),
sign-in with a wrong password, "forgot password" and registration for a known address against an unknown
one, interleaved, many tries each. Prints the medians and the ratio slower/faster per flow (goal < 1.2).

    .venv/bin/python -m bench.auth_timing [--tries 40] [--json]
"""

import argparse
import json
import statistics
import time

from bench._support import fresh_app

KNOWN = "known.customer@example.com"
PASSWORD = "bench-password-123"


def _timed(app, path: str, data: dict) -> float:
    client = app.test_client()  # no cookies: a registration signs the new account in
    with app.app_context():  # its own context, as on a server (g must not carry one request's user to the next)
        start = time.perf_counter()
        response = client.post(path, data=data)
        elapsed = time.perf_counter() - start
    assert response.status_code in (200, 302, 422), (path, response.status_code)
    assert path != "/register" or response.status_code == 302, response.get_data(as_text=True)[:300]
    return elapsed


def _flows(counter):
    def registration(email):
        n = next(counter)
        return "/register", {
            "display_name": "Bench Person",
            "email": email.replace("@", f"+{n}@") if email != KNOWN else email,
            "password": "violet-lantern-42",
            "password2": "violet-lantern-42",
        }

    return {
        "sign-in": lambda email: ("/login", {"email": email, "password": "wrong-password-1"}),
        "reset": lambda email: ("/password/forgot", {"email": email}),
        "registration": registration,
    }


def measure(tries: int) -> dict:
    import itertools

    from app.auth import services as auth_services
    from app.extensions import db, limiter

    results = {}
    with fresh_app() as (app, _workdir):
        limiter.enabled = False  # measuring the work, not the rate limit
        auth_services.register_user(KNOWN, PASSWORD, "Known Customer")
        db.session.commit()
        for name, flow in _flows(itertools.count()).items():
            known, unknown = [], []
            for i in range(tries + 2):
                pair = [(known, KNOWN), (unknown, f"nobody{i}@example.com")]
                for bucket, email in pair if i % 2 else pair[::-1]:
                    path, data = flow(email)
                    elapsed = _timed(app, path, data)
                    if i >= 2:  # the first rounds warm caches
                        bucket.append(elapsed)
            k, u = statistics.median(known), statistics.median(unknown)
            results[name] = {
                "known_ms": round(k * 1000, 1),
                "unknown_ms": round(u * 1000, 1),
                "ratio": round(max(k, u) / min(k, u), 3),
            }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=40)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = measure(args.tries)
    if args.json:
        print(json.dumps(results))
        return
    for name, row in results.items():
        print(
            f"{name:13} known {row['known_ms']:8.1f} ms  unknown {row['unknown_ms']:8.1f} ms  ratio {row['ratio']:.3f}"
        )


if __name__ == "__main__":
    main()
