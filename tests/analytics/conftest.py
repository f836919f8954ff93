import pytest


@pytest.fixture(autouse=True)
def _rollups_of_today_at_once(app):
    """The roll-up tests compare today's stored rows with the raw rows right after each write, so today is rebuilt
    at once here; elsewhere the production hold applies (ANALYTICS_TODAY_SECONDS, tests/analytics/test_rollup_hold.py)."""
    app.config["ANALYTICS_TODAY_SECONDS"] = 0
