"""The demo community's analytics history: every chart of the dashboard has something to draw."""

import json
import re

from sqlalchemy import func, select

from app.analytics.models import (
    CallCentreMonth,
    CsatResponse,
    DailyVisits,
    Event,
    NpsResponse,
    PageView,
)
from app.extensions import db


def _charts(page: str) -> dict:
    return {
        m.group(1): json.loads(m.group(2))
        for m in re.finditer(r'<script type="application/json" id="(chart-[a-z]+)">(.*?)</script>', page, re.DOTALL)
    }


def test_demo_makes_every_chart_non_empty(app, runner, client_as):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
    counts = [
        db.session.scalar(select(func.count()).select_from(m))
        for m in (PageView, DailyVisits, Event, CsatResponse, NpsResponse, CallCentreMonth)
    ]
    assert all(counts), counts
    admin = client_as()
    assert admin.post("/login", {"email": "admin@example.com", "password": "demo-password"}).status_code == 302
    page = admin.get("/admin/analytics/?period=90").get_data(as_text=True)
    charts = _charts(page)
    assert set(charts) == {"chart-visits", "chart-funnel", "chart-moods", "chart-response", "chart-csat", "chart-nps"}
    for name, chart in charts.items():
        assert any(v for series in chart["series"] for v in series["values"]), name
    assert len(charts["chart-visits"]["series"]) >= 5  # search, social, company site, e-mail, direct ...
    assert 'id="community-share">—' not in page
    # The tables of the funnel per category and of the searches that found nothing have rows too.
    for table in ("funnel-by-category-table", "zero-searches-table", "moods-by-category-table"):
        assert '<th scope="row">' in page.split(f'id="{table}"', 1)[1].split("</table>", 1)[0], table
    again = runner.invoke(args=["demo"])
    assert again.output == result.output
    assert [
        db.session.scalar(select(func.count()).select_from(m))
        for m in (PageView, DailyVisits, Event, CsatResponse, NpsResponse, CallCentreMonth)
    ] == counts
