"""JSON API of smart search: GET /api/v1/suggest?title=...&body=..."""

from flask import Blueprint, jsonify, request
from flask_login import current_user

from app.common import signals
from app.common.ratelimit import rate_limit
from app.extensions import db
from app.search import service

bp = Blueprint("search_api", __name__, url_prefix="/api/v1")


def _limit(value, default: int = 5, ceiling: int = 10) -> int:
    return min(max(int(value), 1), ceiling) if (value or "").isdigit() and len(value) < 4 else default


@bp.route("/suggest")
@rate_limit("suggest", methods=("GET",))
def suggest():
    items = service.suggest(
        request.args.get("title", ""),
        request.args.get("body", ""),
        service.scope_for(current_user),
        limit=_limit(request.args.get("limit")),
    )
    if not items and request.args.get("draft"):  # the ask form or the panel: the knowledge base's to-do list
        _record_empty(request.args.get("title", ""))  # the title: the body may hold personal details
    keys = ("kind", "id", "title", "url", "type", "status", "answered")
    response = jsonify([{**{key: item[key] for key in keys}, "snippet": item["snippet_html"]} for item in items])
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _record_empty(text: str) -> None:
    if signals.found_nothing(text, "ask", request.args.get("draft")):
        db.session.commit()
