"""POST /api/v1/events: the ask form reports suggestions shown and clicked (CSRF token in X-CSRFToken)."""

from flask import Blueprint, jsonify, request
from flask_login import current_user

from app.analytics import services
from app.common.ratelimit import rate_limit
from app.extensions import db

bp = Blueprint("analytics", __name__, url_prefix="/api/v1")


@bp.route("/events", methods=["POST"])
@rate_limit("events")
def event():
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return jsonify(error="Send a JSON object."), 400
    services.record_client_event(
        payload.get("event"),
        current_user.id if current_user.is_authenticated else None,
        payload.get("draft"),
        subject_kind=payload.get("kind"),
        subject_id=payload.get("id"),
        count=payload.get("count"),
    )
    db.session.commit()
    return jsonify(status="recorded"), 201
