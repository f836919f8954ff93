"""Domain errors raised by services and the HTTP error pages."""
import logging

from flask import jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError


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


def _rollback() -> None:
    """A failed request may leave the session mid-transaction (a failed flush): the error page, and the same
    user's next request, must start clean. Every error handler calls this before rendering."""
    from app.extensions import db
    try:
        db.session.rollback()
    except Exception:  # a dead connection must not turn the error page into another error
        logging.getLogger(__name__).exception("rollback in an error handler failed")


def _render(code: int, message, headers=None):
    _rollback()
    if _wants_json():
        return jsonify(error=str(message)), code, headers or {}
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
        return _render(400, _l("Your session expired or the form was sent from elsewhere. Reload the page and try again."))

    @app.errorhandler(DomainError)
    def domain_error(e):
        retry_after = getattr(e, "retry_after", None)
        return _render(e.status_code, e.message, {"Retry-After": str(retry_after)} if retry_after else None)
