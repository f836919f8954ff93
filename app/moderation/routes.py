"""Moderator actions on a topic: close, reopen, move, merge. Moderators and administrators only (404 for others)."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.common.actions import post_action
from app.common.errors import DomainError
from app.common.policy import ADMIN, MODERATOR, can, role_required
from app.community import queries as community_queries
from app.community.search_docs import KIND as TOPIC_KIND
from app.extensions import db
from app.moderation import queries, services
from app.moderation.forms import ActionForm, MergeForm, MoveForm
from app.search import service as search_service
from app.search.documents import Filters

bp = Blueprint("moderation", __name__)


@bp.before_request
@role_required(MODERATOR, ADMIN)
def guard():
    return None


@bp.app_template_global()
def moderation_actions(topic):
    return queries.topic_actions(topic.id)


@bp.app_template_global()
def merged_duplicates(topic):
    return queries.merged_duplicates(current_user, topic.id)


def _load(topic_id: int):
    return community_queries.load_visible_topic(current_user, topic_id)


def _topic_url(topic) -> str:
    return url_for("community.topic", topic_id=topic.id, slug=topic.slug)


@bp.route("/t/<int:topic_id>/close", methods=["POST"])
def close(topic_id: int):
    topic = _load(topic_id)
    return post_action(
        ActionForm(),
        lambda: services.close_topic(current_user, topic),
        _("The topic is closed to new answers."),
        _topic_url(topic),
    )


@bp.route("/t/<int:topic_id>/reopen", methods=["POST"])
def reopen(topic_id: int):
    topic = _load(topic_id)
    return post_action(
        ActionForm(),
        lambda: services.reopen_topic(current_user, topic),
        _("The topic is open for answers again."),
        _topic_url(topic),
    )


@bp.route("/t/<int:topic_id>/move", methods=["GET", "POST"])
def move(topic_id: int):
    topic = _load(topic_id)
    form = MoveForm(category_id=topic.category_id, type=topic.type)
    form.set_categories(community_queries.categories_with_departments())
    if form.validate_on_submit():
        try:
            services.move_topic(current_user, topic, form.category_id.data, form.type.data)
        except DomainError as error:
            getattr(form, error.field or "category_id").errors.append(str(error.message))
        else:
            db.session.commit()
            flash(
                _("The topic is moved. %(department)s is responsible for it now.", department=topic.department.name),
                "success",
            )
            return redirect(_topic_url(topic))
    return render_template("moderation/move.html", form=form, topic=topic), 422 if form.errors else 200


@bp.route("/t/<int:topic_id>/merge", methods=["GET", "POST"])
def merge(topic_id: int):
    topic = _load(topic_id)
    form = MergeForm()
    if form.validate_on_submit():
        original = community_queries.get_topic(form.target_id)
        if not can(current_user, "view_topic", original):
            form.target.errors.append(_("There is no topic with this number."))
        else:
            try:
                services.check_merge(topic, original)
                if form.confirmed.data != "1":  # first show what will happen
                    return render_template("moderation/merge_confirm.html", form=form, topic=topic, original=original)
                gained = services.merge_topic(current_user, topic, original)
            except DomainError as error:
                form.target.errors.append(str(error.message))
            else:
                db.session.commit()
                flash(
                    ngettext(
                        "Merged into this topic; %(num)d vote moved here.",
                        "Merged into this topic; %(num)d votes moved here.",
                        gained,
                    ),
                    "success",
                )
                return redirect(_topic_url(original))
    candidates = [] if form.errors else _candidates(topic)
    return render_template(
        "moderation/merge.html", form=form, topic=topic, candidates=candidates
    ), 422 if form.errors else 200


def _candidates(topic) -> list[dict]:
    """Topics that look like the original of this one. The full search, not the ask form's suggestions: those
    keep only hits close to the best one, and the best one is this topic itself."""
    found = search_service.search(
        f"{topic.title}\n{topic.body}", search_service.scope_for(current_user), Filters(kinds=(TOPIC_KIND,)), per_page=6
    )
    return [item for item in found.items if item["id"] != topic.id][:5]
