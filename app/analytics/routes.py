"""POST /api/v1/events: the ask form reports suggestions shown and clicked (CSRF token in X-CSRFToken).

A click may carry `text`, what the customer had typed: it is not stored with the event; app.learning keeps
it (masked) as a possible phrasing of the opened thread (signals.suggestion_followed)."""

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user

from app.analytics import services
from app.analytics.visits import visitor_hash
from app.common import signals
from app.common.db import utcnow
from app.common.ratelimit import rate_limit
from app.extensions import db

MAX_TYPED = 2000

bp = Blueprint("analytics", __name__, url_prefix="/api/v1")


@bp.route("/events", methods=["POST"])
@rate_limit("events")
def event():
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return jsonify(error="Send a JSON object."), 400
    event = services.record_client_event(
        payload.get("event"),
        current_user.id if current_user.is_authenticated else None,
        payload.get("draft"),
        subject_kind=payload.get("kind"),
        subject_id=payload.get("id"),
        count=payload.get("count"),
        category=payload.get("category"),
    )
    if event.name in (services.SUGGESTION_CLICKED, services.SUGGESTION_SOLVED) and event.subject_id:
        typed = payload.get("text")
        signals.suggestion_followed.send(
            event.draft_id,
            voter=_voter(),
            kind=event.subject_kind,
            ref_id=event.subject_id,
            text=typed[:MAX_TYPED] if isinstance(typed, str) else None,
            solved=event.name == services.SUGGESTION_SOLVED,
        )
    db.session.commit()
    return jsonify(status="recorded"), 201


def _voter() -> str:
    """Who is counted once per phrasing: the account, or a visitor's address hashed with the day's salt (no
    cookie, no IP kept). The browser is left out: changing one's user agent does not make another customer."""
    if current_user.is_authenticated:
        return f"u{current_user.id}"
    return "v" + visitor_hash(current_app.secret_key or "", utcnow().date(), request.remote_addr or "", "")
