"""Layers only point down: `common` imports no feature, and `community` never imports `staff` (nor any
other feature above it). Read from the source with `ast`, so an import inside a function counts too."""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"
# Packages every layer may use: the framework glue and the shared building blocks.
BASE = {"app", "app.extensions", "app.models", "app.common"}
# What each package may import besides BASE and itself.
ALLOWED = {
    "common": set(),
    "auth": set(),
    "community": {"app.auth", "app.search", "app.media", "app.analytics"},
}
FORBIDDEN_EVERYWHERE_BELOW = {"community": {"app.staff"}}


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def _package_of(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else parts[0]


def _violations(package: str) -> list[str]:
    allowed = BASE | {f"app.{package}"} | ALLOWED[package]
    found = []
    for path in sorted((APP / package).rglob("*.py")):
        for line, module in _imports(path):
            if not module.startswith("app"):
                continue
            target = _package_of(module)
            if target not in allowed or target in FORBIDDEN_EVERYWHERE_BELOW.get(package, set()):
                found.append(f"{path.relative_to(APP.parent)}:{line} imports {module}")
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_layers_point_down(package):
    assert _violations(package) == []


def test_the_check_sees_a_forbidden_import(tmp_path, monkeypatch):
    """The test itself can fail: a module of `common` that imports a feature is reported."""
    fake_app = tmp_path / "app"
    (fake_app / "common").mkdir(parents=True)
    (fake_app / "common" / "bad.py").write_text("def f():\n    from app.staff.models import Department\n")
    monkeypatch.setitem(globals(), "APP", fake_app)
    assert _violations("common") == ["app/common/bad.py:2 imports app.staff.models"]
