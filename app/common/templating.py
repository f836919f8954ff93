"""Template globals and filters."""
from datetime import datetime
from functools import lru_cache

from babel import Locale
from flask import request, url_for
from flask_babel import format_datetime, get_locale
from flask_login import current_user

from app.common.policy import can, is_staff


def _page_url(page: int) -> str:
    args = request.args.to_dict()
    args["page"] = page
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def _timeago(value: datetime) -> str:
    from flask_babel import format_timedelta
    from app.common.db import utcnow
    return format_timedelta(value - utcnow(), add_direction=True)


@lru_cache(maxsize=16)
def _datetime_pattern(locale: Locale) -> str:
    """The locale's medium date with its short time (minutes, no seconds): "22 нояб. 2026 г., 19:49"."""
    return (str(locale.datetime_formats["medium"]).replace("{1}", locale.date_formats["medium"].pattern)
            .replace("{0}", locale.time_formats["short"].pattern))


def _datetime(value: datetime | None) -> str:
    return format_datetime(value, _datetime_pattern(get_locale())) if value else ""


def init_app(app) -> None:
    def has_endpoint(name: str) -> bool:
        return name in app.view_functions

    app.jinja_env.globals.update(
        has_endpoint=has_endpoint,
        page_url=_page_url,
        is_staff=lambda: is_staff(current_user),
        can=lambda action, obj=None: can(current_user, action, obj),
        current_locale=lambda: str(get_locale()),
        community_name=lambda: app.config["COMMUNITY_NAME"],
    )
    app.jinja_env.filters["datetime"] = _datetime
    app.jinja_env.filters["timeago"] = _timeago
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
