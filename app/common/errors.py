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
    """A rule was broken; the message is shown to the user. Maps to a 4xx."""

    status_code = 400

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _render(code: int, message):
    if _wants_json():
        return jsonify(error=str(message)), code
    return render_template("errors/error.html", code=code, message=message), code


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

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return _render(400, _l("Your session expired or the form was sent from elsewhere. Reload the page and try again."))

    @app.errorhandler(DomainError)
    def domain_error(e):
        return _render(e.status_code, e.message)

    for error_class in (OperationalError, InterfaceError, PoolTimeout):
        app.register_error_handler(error_class, database_unavailable)


def database_unavailable(error):
    """The database did not answer (connect or statement timeout, server down): 503, never a hang or a 500.
    The page is rendered without touching the database (no current user, a standalone template)."""
    log.error("database unavailable: %s", str(error).splitlines()[0] if str(error) else type(error).__name__)
    from app.extensions import db
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001  (the connection is gone: nothing to roll back)
        pass
    languages = current_app.config["LANGUAGES"]
    locale = (request.args.get("lang") if request.args.get("lang") in languages else None) \
        or request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        if _wants_json():
            response = jsonify(error=str(UNAVAILABLE))
        else:
            response = current_app.make_response(render_template("errors/unavailable.html", message=UNAVAILABLE,
                                                                 locale=locale))
    response.status_code = 503
    response.headers["Retry-After"] = "30"
    return response
