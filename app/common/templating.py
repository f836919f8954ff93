"""Template globals and filters."""

from datetime import datetime, timedelta
from functools import lru_cache

from babel import Locale
from flask import request, url_for
from flask_babel import format_datetime, get_locale, get_timezone
from flask_login import current_user
from markupsafe import Markup

from app.common.db import utcnow
from app.common.policy import can, is_staff


def _page_url(page: int) -> str:
    args = request.args.to_dict()
    args["page"] = page
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def _timeago(value: datetime) -> str:
    from flask_babel import format_timedelta

    return format_timedelta(value - utcnow(), add_direction=True)


@lru_cache(maxsize=16)
def _datetime_pattern(locale: Locale) -> str:
    """The locale's medium date with its short time (minutes, no seconds): "22 нояб. 2026 г., 19:49"."""
    return (
        str(locale.datetime_formats["medium"])
        .replace("{1}", locale.date_formats["medium"].pattern)
        .replace("{0}", locale.time_formats["short"].pattern)
    )


def _datetime(value: datetime | None) -> str:
    return format_datetime(value, _datetime_pattern(get_locale())) if value else ""


def _when(value: datetime | None, relative_for: timedelta = timedelta(days=2)) -> Markup:
    """<time datetime="...Z" title="absolute, zone">: "2 hours ago" when recent, the viewer's local date otherwise."""
    if not value:
        return Markup("")
    absolute = _datetime(value)
    zone = get_timezone().zone if hasattr(get_timezone(), "zone") else str(get_timezone())
    recent = abs(utcnow() - value) < relative_for
    return Markup('<time datetime="{}Z" title="{} ({})">{}</time>').format(
        value.isoformat(timespec="seconds"), absolute, zone, _timeago(value) if recent else absolute
    )


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
    app.jinja_env.filters["when"] = _when
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
