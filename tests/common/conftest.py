"""Fixtures of the shared layer's tests."""

import os

import pytest


@pytest.fixture(params=["local", "redis"])
def cached_app(app, request, tmp_path):
    if request.param == "redis":
        if not os.environ.get("REDIS_URL"):
            pytest.skip("REDIS_URL is not set: the Redis page cache is checked in the Redis run")
        app.config["REDIS_URL"] = os.environ["REDIS_URL"]
    app.config["PAGE_CACHE"] = True
    app.config["PAGE_CACHE_STAMP"] = str(tmp_path / "page-cache.stamp")
    return app
