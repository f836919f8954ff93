"""The search page /search?q=: every visible topic, with filters, highlighted snippets and "did you mean"."""

from flask import Blueprint, render_template, request
from flask_login import current_user

from app.common import signals
from app.common.pagination import parse_page
from app.community import kinds, queries
from app.extensions import db
from app.search import service
from app.search.documents import Filters

bp = Blueprint("search", __name__)


@bp.route("/search")
def search_page():
    query = (request.args.get("q") or "").strip()
    topic_type = request.args.get("type") if request.args.get("type") in kinds.TOPIC_TYPES else None
    status = request.args.get("status") if request.args.get("status") in kinds.ALL_STATUSES else None
    category = request.args.get("category", "")
    category_id = int(category) if category.isdecimal() and len(category) < 10 else None
    filters = Filters(type=topic_type, status=status, category_id=category_id)
    results = service.search(query, service.scope_for(current_user), filters, page=parse_page(request.args.get("page")))
    unfiltered = not (topic_type or status or category_id)
    if query and unfiltered and not results.total and results.page == 1 and signals.found_nothing(query, "search"):
        db.session.commit()
    return render_template(
        "search/results.html",
        results=results,
        query=query,
        topic_type=topic_type,
        status=status,
        category_id=category_id,
        categories=queries.categories_with_departments(),
    )
