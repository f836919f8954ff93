"""static/js/ask.js run by node against a small stand-in for the ask form (tests/js/ask_draft_harness.js): a
restored draft gets a new draft id, so the deflection it may have counted stays counted; only the detour through
sign-in (the same draft, posted after logging in) keeps its id. The browser test in
tests/browser/test_smart_suggestions.py checks the same through Chromium and the funnel."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="these tests run static/js/ask.js with node, which is missing")
STORE, SIGN_IN = "otklik-ask-draft", "otklik-ask-draft-id"
TITLE = "Card blocked after three PIN errors"


def run(**scenario) -> dict:
    out = subprocess.run(
        [NODE, str(ROOT / "tests/js/ask_draft_harness.js"), str(ROOT / "static/js/ask.js"), json.dumps(scenario)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return json.loads(out.stdout)


def test_the_stored_draft_keeps_the_text_but_not_the_draft_id():
    page = run(actions=["typeTitle"])
    assert len(page["draft"]) == 24
    saved = json.loads(page["storage"][STORE])
    assert saved["fields"]["title"] == TITLE
    assert "draft" not in saved and "draft_id" not in saved["fields"]


def test_a_restored_draft_gets_a_new_draft_id():
    first = run(actions=["typeTitle"])
    again = run(storage=first["storage"])
    assert again["title"] == TITLE  # the text comes back
    assert again["draft"] and again["draft"] != first["draft"]
    # A draft saved by the previous version of the script (with its id) gets a new id too.
    old = {STORE: json.dumps({"draft": "olddraft0001", "fields": {"title": TITLE, "draft_id": "olddraft0001"}})}
    restored = run(storage=old)
    assert restored["title"] == TITLE and restored["draft"] not in ("", "olddraft0001")


def test_the_sign_in_detour_keeps_the_draft_id_once():
    visitor = run(actions=["typeTitle", "submit"], keepDraftOnSubmit=True)
    assert visitor["storage"][SIGN_IN] == visitor["draft"]
    back = run(storage=visitor["storage"], search="?resume=1")
    assert back["draft"] == visitor["draft"] and back["title"] == TITLE
    assert SIGN_IN not in back["storage"]  # used once
    elsewhere = run(storage=visitor["storage"], search="")
    assert elsewhere["draft"] != visitor["draft"] and SIGN_IN not in elsewhere["storage"]


def test_a_posted_draft_is_forgotten():
    page = run(actions=["typeTitle", "submit"])
    assert STORE not in page["storage"] and SIGN_IN not in page["storage"]
