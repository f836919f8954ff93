"""Locale choice: `?lang=` on the URL, then the user's setting, then the visitor's language cookie (set by the
language switcher and by `?lang=`), then Accept-Language, then the configured default."""

from functools import lru_cache
from zoneinfo import available_timezones

from flask import current_app, has_request_context, request
from flask_login import current_user

LANG_COOKIE = "otklik_lang"
LANG_COOKIE_AGE = 365 * 24 * 3600


def _known(value) -> str | None:
    return value if value in current_app.config["LANGUAGES"] else None


def select_locale() -> str:
    if not has_request_context():  # CLI commands and services called outside a request
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    forced = _known(request.args.get("lang"))
    if forced:
        return forced
    user = current_user
    if user is not None and getattr(user, "is_authenticated", False) and _known(user.locale):
        return user.locale
    return (
        _known(request.cookies.get(LANG_COOKIE))
        or request.accept_languages.best_match(current_app.config["LANGUAGES"])
        or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


@lru_cache(maxsize=1)
def time_zones() -> tuple[str, ...]:
    return tuple(sorted(name for name in available_timezones() if "/" in name and not name.startswith("Etc/")))


def is_time_zone(name) -> bool:
    return isinstance(name, str) and name in time_zones()


def select_timezone() -> str | None:
    """The signed-in user's time zone; None lets Flask-Babel use BABEL_DEFAULT_TIMEZONE (DEFAULT_TIMEZONE)."""
    if not has_request_context():
        return None
    user = current_user
    if user is not None and getattr(user, "is_authenticated", False) and is_time_zone(user.timezone):
        return user.timezone
    return None


def set_language_cookie(response, lang: str):
    response.set_cookie(
        LANG_COOKIE,
        lang,
        max_age=LANG_COOKIE_AGE,
        samesite="Lax",
        httponly=True,
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
    return response


def remember_url_language(response):
    """after_request: a `?lang=` link keeps its language for the next pages too (cookie only, no write on GET)."""
    lang = _known(request.args.get("lang"))
    if lang and request.cookies.get(LANG_COOKIE) != lang:
        set_language_cookie(response, lang)
    return response
