"""Locale choice: the user's setting, then Accept-Language, then the configured default."""
from flask import current_app, has_request_context, request
from flask_login import current_user


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and services called outside a request
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    user = current_user
    if user is not None and getattr(user, "is_authenticated", False) and user.locale in languages:
        return user.locale
    forced = request.args.get("lang")
    if forced in languages:
        return forced
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
