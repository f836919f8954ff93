"""A tolerant check that answer time does not tell a known address from an unknown one (the precise figures
come from bench/auth_timing.py: ratio < 1.2 with production Argon2 parameters)."""

import itertools
import statistics
import time

import pytest

from app.extensions import limiter

TRIES = 11


@pytest.fixture
def known(app, make_user):
    app.config["ARGON2_COST"] = (2, 16384)  # hashing dominates the answer time, as in production
    app.config["ACCOUNT_ANSWER_FLOOR"] = 0.08
    limiter.enabled = False
    yield make_user(email="known@test.example")  # hashed with those parameters
    limiter.enabled = True


_fresh = itertools.count()


def _registration(email: str) -> dict:
    if email.startswith("nobody"):
        email = f"nobody{next(_fresh)}@test.example"  # a new unknown address each time
    return {
        "display_name": "Bench Person",
        "email": email,
        "password": "violet-lantern-42",
        "password2": "violet-lantern-42",
    }


def _post_ms(client_as, path, data) -> float:
    client = client_as()
    start = time.perf_counter()
    client.post(path, data)
    return (time.perf_counter() - start) * 1000


@pytest.mark.parametrize(
    "path, data",
    [
        ("/login", lambda email: {"email": email, "password": "wrong-password-1"}),
        ("/password/forgot", lambda email: {"email": email}),
        ("/register", lambda email: _registration(email)),
    ],
)
def test_known_and_unknown_addresses_take_about_the_same_time(client_as, known, path, data):
    _post_ms(client_as, path, data(known.email))  # warm-up
    known_ms, unknown_ms = [], []
    for _ in range(TRIES):  # interleaved, so a busy moment of the machine hits both
        known_ms.append(_post_ms(client_as, path, data(known.email)))
        unknown_ms.append(_post_ms(client_as, path, data("nobody@test.example")))
    k, u = statistics.median(known_ms), statistics.median(unknown_ms)
    assert max(k, u) / min(k, u) < 1.5, (k, u)
