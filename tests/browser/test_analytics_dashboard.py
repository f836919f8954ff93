"""The analytics dashboard in a real Chromium on the demo community: charts are drawn from their JSON blocks,
the period switches, a table downloads as CSV (UTF-8 with BOM), and the page fits a 360 px phone."""

import re

import pytest

from app.demo.loader import load_demo
from app.extensions import db
from tests.browser.helpers import expect, log_in

pytestmark = pytest.mark.browser

# Whether a chart's canvas has anything drawn on it (some pixel not fully transparent).
_DRAWN = """(selector) => {
  const canvas = document.querySelector(selector);
  if (!canvas || !canvas.width) { return false; }
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] !== 0) { return true; } }
  return false;
}"""


@pytest.fixture
def demo(live_server):
    live_server.app.config["DEMO_ALLOWED"] = True
    with live_server.app.app_context():
        load_demo()
        db.session.commit()
    return live_server


def test_dashboard_charts_period_and_csv(demo, browser_page, tmp_path):
    page = browser_page
    log_in(page, demo.url, "admin@example.com", "demo-password")
    page.goto(demo("/admin/analytics/"))
    for chart in ("chart-visits", "chart-funnel", "chart-moods", "chart-response", "chart-csat", "chart-nps"):
        canvas = f"[data-chart={chart}] canvas"
        expect(page.locator(canvas)).to_be_visible()
        page.wait_for_function(_DRAWN, arg=canvas)  # drawn (retried until the timeout, then it fails)
    shown = page.locator("#period-shown").inner_text()

    page.locator("#period").select_option("90")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"period=90"))
    assert page.locator("#period-shown").inner_text() != shown
    page.wait_for_function(_DRAWN, arg="[data-chart=chart-visits] canvas")
    # The table behind the chart has one row per day of the 90.
    expect(page.locator("section[aria-labelledby=by-day] tbody tr")).to_have_count(90)

    with page.expect_download() as download:
        page.locator("a[href*='visits-by-day.csv']").click()
    target = tmp_path / "visits.csv"
    download.value.save_as(target)
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and download.value.suggested_filename.startswith("otklik-visits-by-day-")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == "Day,Visitors,Page views" and len(lines) == 91
    assert sum(int(line.split(",")[1]) for line in lines[1:]) > 0

    page.set_viewport_size({"width": 360, "height": 800})
    canvas = "document.querySelector('[data-chart=chart-visits] canvas').getBoundingClientRect().width"
    page.wait_for_function(f"() => {canvas} <= 360", timeout=10_000)  # the charts resize after a short pause
    assert page.evaluate(canvas) > 0
    wide = page.evaluate("""() => Array.from(document.querySelectorAll('body *')).filter(
        e => e.getBoundingClientRect().right > 361).slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id
        + ' ' + Math.round(e.getBoundingClientRect().right))""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, wide
