"""Start the real OpenID Connect provider of tests/oidc (npm `oidc-provider`) on a free loopback port."""

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.sockets import free_port

OIDC_DIR = Path(__file__).resolve().parents[1] / "oidc"
REQUIRE = os.environ.get("OTKLIK_REQUIRE_SERVICES") == "1"


def missing() -> str | None:
    if shutil.which("node") is None:
        return "the OIDC tests need Node.js (node) to run the test provider in tests/oidc"
    if not (OIDC_DIR / "node_modules" / "oidc-provider" / "package.json").is_file():
        return "the OIDC tests need the npm package oidc-provider: run `(cd tests/oidc && npm ci)`"
    return None


def require() -> None:
    reason = missing()
    if reason:
        if REQUIRE:
            pytest.fail(f"{reason} (OTKLIK_REQUIRE_SERVICES=1 turns the skip into a failure)", pytrace=False)
        pytest.skip(reason)


@contextlib.contextmanager
def running_provider():
    """Yields the issuer URL of a provider that runs until the block ends."""
    env = {**os.environ, "PORT": str(free_port()), "NODE_ENV": "test"}
    errors = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed when the provider stops)  # a file, not a pipe: a full pipe would block the provider
    process = subprocess.Popen(
        ["node", "server.mjs"], cwd=OIDC_DIR, env=env, stdout=subprocess.PIPE, stderr=errors, text=True
    )
    try:
        line = process.stdout.readline()
        if not line:
            process.wait(timeout=10)
            errors.seek(0)
            raise RuntimeError(f"the test OIDC provider did not start: {errors.read()[-2000:]}")
        yield json.loads(line)["issuer"]
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
        errors.close()
