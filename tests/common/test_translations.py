"""Every UI string in the message template must be translated into Russian and Ukrainian.

English is the source language, so `en` may stay empty. When this test fails after adding strings, run
the extraction and update commands (see `make extract-messages`), translate the new entries in
app/translations/{ru,uk}/LC_MESSAGES/messages.po and compile them.
"""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parents[2] / "app" / "translations"
TRANSLATED_LOCALES = ("ru", "uk")

# Named printf-style placeholders: %(name)s, %(n)d, %(value).1f ...
PLACEHOLDER = re.compile(r"%\(([^)]+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def _read(path: Path, locale: str | None = None):
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def _template_messages():
    return [m for m in _read(TRANSLATIONS / "messages.pot") if m.id]


def _placeholders(text: str) -> set[str]:
    return {m.group(0) for m in PLACEHOLDER.finditer(text)}


def _as_tuple(value) -> tuple:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def _describe(msgid) -> str:
    return repr(msgid if isinstance(msgid, str) else tuple(msgid))


def test_template_has_messages():
    assert len(_template_messages()) > 100


@pytest.mark.parametrize("locale", TRANSLATED_LOCALES)
def test_every_template_message_is_translated(locale):
    catalog = _read(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", locale)
    problems = []
    for template_message in _template_messages():
        message = catalog.get(template_message.id, template_message.context)
        if message is None:
            problems.append(f"not in {locale} catalog (run pybabel update): {_describe(template_message.id)}")
            continue
        strings = _as_tuple(message.string)
        if template_message.pluralizable and len(strings) != catalog.num_plurals:
            problems.append(f"needs {catalog.num_plurals} plural forms: {_describe(message.id)}")
            continue
        if not strings or any(not s.strip() for s in strings):
            problems.append(f"untranslated: {_describe(message.id)}")
        elif message.fuzzy:
            problems.append(f"fuzzy (not used when compiled): {_describe(message.id)}")
    assert not problems, f"{len(problems)} problem(s) in {locale}:\n" + "\n".join(problems)


@pytest.mark.parametrize("locale", TRANSLATED_LOCALES)
def test_placeholders_match(locale):
    catalog = _read(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", locale)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = _as_tuple(message.id)
        expected = _placeholders(ids[0])
        for other in ids[1:]:
            expected |= _placeholders(other)
        for form, string in enumerate(_as_tuple(message.string)):
            if not string:
                continue  # reported by test_every_template_message_is_translated
            found = _placeholders(string)
            if found != expected:
                problems.append(
                    f"{_describe(message.id)} form {form}: expected {sorted(expected)}, found {sorted(found)}"
                )
    assert not problems, f"{len(problems)} placeholder mismatch(es) in {locale}:\n" + "\n".join(problems)


def test_message_template_is_up_to_date(tmp_path):
    """messages.pot holds every string the code and templates use (run `make extract-messages` if not)."""
    import subprocess
    import sys

    root = TRANSLATIONS.parents[1]
    fresh = tmp_path / "fresh.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--ignore-dirs",
            ".* ._ demo",
            "-o",
            str(fresh),
            "app",
            "templates",
        ],
        cwd=root,
        check=True,
        capture_output=True,
    )
    current = {m.id if isinstance(m.id, str) else tuple(m.id) for m in _template_messages()}
    extracted = {m.id if isinstance(m.id, str) else tuple(m.id) for m in _read(fresh) if m.id}
    assert sorted(map(repr, extracted - current)) == []
