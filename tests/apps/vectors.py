"""The public signature test vectors of ../shared/data/signatures/README.md, parsed from its tables.

Looked for at <repo>/../shared (where the project keeps shared data), or in $OTKLIK_SHARED_DIR.
"""

import os
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
_ROW = re.compile(r"^\|\s*(\d+)\s*\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|\s*([^|]+)\|")
_FB_ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|\s*(valid|invalid)")


def readme_path() -> Path:
    base = Path(os.environ["OTKLIK_SHARED_DIR"]) if os.environ.get("OTKLIK_SHARED_DIR") else REPO.parent / "shared"
    return base / "data" / "signatures" / "README.md"


def _text() -> str:
    path = readme_path()
    if not path.is_file():
        pytest.skip(
            f"the signature test vectors are not there: {path} (copy /work/shared/data/signatures from "
            "the project's shared data to ../shared next to the repository, or set OTKLIK_SHARED_DIR)"
        )
    return path.read_text(encoding="utf-8")


def vk_vectors() -> list[tuple[str, str, bool]]:
    """(query string, secret, is_valid) for every VK row."""
    rows = []
    for line in _text().splitlines():
        match = _ROW.match(line)
        if match:
            rows.append((match.group(2), match.group(3), "invalid" not in match.group(4)))
    assert rows, "no VK vectors found in the README's table"
    return rows


def facebook_vectors() -> list[tuple[str, str, bool]]:
    rows = [(m.group(1), m.group(2), m.group(3) == "valid") for m in map(_FB_ROW.match, _text().splitlines()) if m]
    assert rows, "no Facebook vectors found in the README's table"
    return rows
