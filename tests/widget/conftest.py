"""The widget tests' partner site: WIDGET_ORIGINS lists it; a helper signs in through the popup page."""

import json
import re

import pytest

from app.extensions import limiter

PARTNER = "https://bank.example"
_HANDOFF_RE = re.compile(r'<script type="application/json" id="widget-handoff">(.*?)</script>', re.DOTALL)


@pytest.fixture(autouse=True)
def partner_origins(app):
    app.config["WIDGET_ORIGINS"] = f"{PARTNER}, http://localhost:8123"
    limiter.reset()  # the rate limits count per address: with Redis they would outlive a test


def handoff_of(client) -> dict:
    """What the sign-in popup hands the panel (the page's JSON data block)."""
    response = client.get("/widget/signin")
    assert response.status_code == 200, response.status_code
    return json.loads(_HANDOFF_RE.search(response.get_data(as_text=True)).group(1))


def post_headers(handoff: dict) -> dict:
    return {"Authorization": f"Bearer {handoff['token']}", "X-Widget-CSRF": handoff["csrf"]}
