"""Profile pages: /u/<id> lists a user's topics and comments the viewer may see."""

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user

from app.auth.models import User
from app.common.pagination import parse_page
from app.community import queries
from app.extensions import db

bp = Blueprint("profile", __name__)


@bp.route("/u/<int:user_id>")
def profile(user_id: int):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    tab = "comments" if request.args.get("tab") == "comments" else "topics"
    page_number = parse_page(request.args.get("page"))
    if tab == "comments":
        page = queries.user_comments(current_user, user.id, page_number, per_page=current_app.config["TOPICS_PER_PAGE"])
    else:
        page = queries.topic_list(
            current_user, page_number, per_page=current_app.config["TOPICS_PER_PAGE"], author_id=user.id
        )
    return render_template("community/profile.html", user=user, tab=tab, page=page)
