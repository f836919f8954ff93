"""Domain errors raised by services and the HTTP error pages."""

import logging

from flask import current_app, jsonify, render_template, request
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

log = logging.getLogger(__name__)
UNAVAILABLE = _l("The service is temporarily unavailable. Please try again in a minute.")


class DomainError(Exception):
    """The one error base of the application: a rule was broken; the translated message is shown to the user,
    `code` names the error for API clients, `status_code` is the HTTP status (a 4xx), `field` the form field.

    Raise it as is (400), or with a status: `DomainError(msg, status=429, code="too_many_uploads")`.
    NotFound and Forbidden are kept as names for the two commonest statuses."""

    status_code = 400
    code = "invalid"

    def __init__(self, message, field: str | None = None, *, status: int | None = None, code: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        if status is not None:
            self.status_code = status
        if code is not None:
            self.code = code


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _rollback() -> None:
    """A failed request may leave the session mid-transaction (a failed flush): the error page, and the same
    user's next request, must start clean. Every error handler calls this before rendering."""
    from app.extensions import db

    try:
        db.session.rollback()
    except Exception:  # a dead connection must not turn the error page into another error
        log.exception("rollback in an error handler failed")


def _render(code: int, message, headers=None, error_code: str | None = None):
    _rollback()
    if _wants_json():
        body = {"error": str(message)}
        if error_code:
            body["code"] = error_code
        return jsonify(body), code, headers or {}
    return render_template("errors/error.html", code=code, message=message), code, headers or {}


def _too_many_requests(_error):
    from app.common.ratelimit import retry_after_seconds

    return _render(429, MESSAGES[429], {"Retry-After": str(retry_after_seconds())})


MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("You do not have permission to do that."),
    404: _l("This page does not exist or you cannot see it."),
    405: _l("This action is not allowed here."),
    413: _l("The upload is too large."),
    429: _l("Too many requests. Please wait a moment and try again."),
    500: _l("Something went wrong on our side. Please try again later."),
}


def init_app(app):
    for code, message in MESSAGES.items():
        app.register_error_handler(code, lambda e, code=code, message=message: _render(code, message))
    app.register_error_handler(429, _too_many_requests)

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return _render(
            400, _l("Your session expired or the form was sent from elsewhere. Reload the page and try again.")
        )

    @app.errorhandler(DomainError)
    def domain_error(e):
        retry_after = getattr(e, "retry_after", None)
        return _render(e.status_code, e.message, {"Retry-After": str(retry_after)} if retry_after else None, e.code)

    for error_class in (OperationalError, InterfaceError, PoolTimeout):
        app.register_error_handler(error_class, database_unavailable)


def database_unavailable(error):
    """The database did not answer (connect or statement timeout, server down): 503, never a hang or a 500.
    The page is rendered without touching the database (no current user, a standalone template)."""
    log.error("database unavailable: %s", str(error).splitlines()[0] if str(error) else type(error).__name__)
    _rollback()
    languages = current_app.config["LANGUAGES"]
    asked = request.args.get("lang")
    locale = (
        (asked if asked in languages else None)
        or request.accept_languages.best_match(languages)
        or current_app.config["BABEL_DEFAULT_LOCALE"]
    )
    with force_locale(locale):
        if _wants_json():
            response = jsonify(error=str(UNAVAILABLE), code="unavailable")
        else:
            page = render_template("errors/unavailable.html", message=UNAVAILABLE, locale=locale)
            response = current_app.make_response(page)
    response.status_code = 503
    response.headers["Retry-After"] = "30"
    return response
