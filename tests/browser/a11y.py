"""Run the vendored axe-core (tests/browser/vendor/axe-core) over the page a Playwright Page shows."""

from pathlib import Path

AXE_SOURCE = (Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
SEVERE = ("serious", "critical")

_RUN = """async () => {
  const result = await window.axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}));
}"""


def severe_violations(page) -> list[dict]:
    """axe's serious and critical violations on the current page (evaluated through the DevTools protocol,
    so a Content-Security-Policy does not block the injected script)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    return [v for v in page.evaluate(_RUN) if v["impact"] in SEVERE]
