"""Request guards for every blueprint: input the database cannot take is a 4xx, never a 500."""
from flask import abort, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # ids are 32-bit integer columns


class IdConverter(IntegerConverter):
    """`<int:...>` in our URLs is a database id: a number beyond the column's range matches no row (404),
    instead of reaching the driver (SQLite raises OverflowError beyond 64 bits)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def reject_nul_characters():
    """PostgreSQL cannot store U+0000 in text (the driver raises); no browser form sends one."""
    for values in (request.args, request.form):
        for _, items in values.lists():
            if any("\x00" in item for item in items):
                abort(400)


def init_app(app) -> None:
    """Call before the blueprints are registered (their rules bind the converter)."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(reject_nul_characters)
