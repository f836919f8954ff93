"""Request guards for every blueprint: input the database cannot take is a 4xx, never a 500."""

import re

from flask import abort, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # ids are 32-bit integer columns

# Control characters (Unicode category Cc) except tab, line feed and carriage return. PostgreSQL cannot store
# U+0000 in text (the driver raises); no browser form sends any of them, and they can hide or fake text.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Header values arrive as Latin-1, where UTF-8 bytes 0x80-0x9f look like C1 controls: only C0 and DEL there.
HEADER_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0a-\x1f\x7f]")
MAX_JSON_DEPTH = 32


class IdConverter(IntegerConverter):
    """`<int:...>` in our URLs is a database id: a number beyond the column's range matches no row (404),
    instead of reaching the driver (SQLite raises OverflowError beyond 64 bits)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def has_control_characters(text) -> bool:
    return isinstance(text, str) and CONTROL_CHARACTERS.search(text) is not None


def _json_has_control_characters(value, depth: int = 0) -> bool:
    if depth > MAX_JSON_DEPTH:
        return True
    if isinstance(value, str):
        return has_control_characters(value)
    if isinstance(value, dict):
        return any(
            has_control_characters(key) or _json_has_control_characters(item, depth + 1) for key, item in value.items()
        )
    if isinstance(value, list):
        return any(_json_has_control_characters(item, depth + 1) for item in value)
    return False


def _multidict_has_control_characters(values) -> bool:
    return any(
        has_control_characters(key) or any(has_control_characters(item) for item in items)
        for key, items in values.lists()
    )


def _header_values(environ) -> str:
    """The values of the request's headers (those Werkzeug's EnvironHeaders gives), joined by tabs (allowed)."""
    return "\t".join(
        value
        for key, value in environ.items()
        if (key.startswith("HTTP_") and key not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"))
        or (key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value)
    )


def request_has_control_characters(req) -> bool:
    """Whether `req` (a Werkzeug request) carries a control character the guard below refuses."""
    if has_control_characters(req.path):
        return True
    if HEADER_CONTROL_CHARACTERS.search(_header_values(req.environ)):
        return True
    if req.environ.get("QUERY_STRING") and _multidict_has_control_characters(req.args):
        return True
    if req.method in ("GET", "HEAD", "OPTIONS"):
        return False
    if req.is_json:
        try:
            payload = req.get_json(silent=True)
        except RecursionError:  # nested deeper than the JSON parser goes
            return True
        return _json_has_control_characters(payload)
    if _multidict_has_control_characters(req.form):
        return True
    return any(
        has_control_characters(key) or has_control_characters(file.filename)
        for key, file in req.files.items(multi=True)
    )


def reject_control_characters():
    """Form fields, JSON bodies, query strings, headers and the path: a control character other than tab, line
    feed or carriage return is a 400 before anything reaches a view (or the database)."""
    if request_has_control_characters(request):
        abort(400)


# The name the rest of the code (and other branches) know this guard by.
reject_nul_characters = reject_control_characters


def init_app(app) -> None:
    """Call before the blueprints are registered (their rules bind the converter)."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(reject_control_characters)
