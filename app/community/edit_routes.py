"""Editing, hiding and deleting topics."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.common import sensitive
from app.common.actions import post_action
from app.common.errors import DomainError
from app.common.policy import can
from app.community import queries, services
from app.community.forms import ActionForm, EditTopicForm
from app.extensions import db

bp = Blueprint("topic_edit", __name__)


def _load(topic_id: int):
    return queries.load_visible_topic(current_user, topic_id)


@bp.route("/t/<int:topic_id>/edit", methods=["GET", "POST"])
@login_required
def edit(topic_id: int):
    topic = _load(topic_id)
    if not can(current_user, "edit_topic", topic):
        abort(403)
    form = EditTopicForm(obj=topic)
    if form.validate_on_submit():
        try:
            services.edit_topic(current_user, topic, form.title.data, form.body.data)
        except DomainError as error:
            getattr(form, error.field or "title").errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("Your changes are saved."), "success")
            message = sensitive.notice(getattr(topic, "masked_sensitive", None))
            if message:
                flash(message, "error")
            return redirect(url_for("community.topic", topic_id=topic.id, slug=topic.slug))
    return render_template("community/edit.html", form=form, topic=topic), 422 if form.errors else 200


@bp.route("/t/<int:topic_id>/hide", methods=["POST"])
@login_required
def hide(topic_id: int):
    topic = _load(topic_id)
    return post_action(
        ActionForm(),
        lambda: services.set_topic_hidden(current_user, topic, not topic.is_hidden),
        lambda: _("The topic is hidden from customers.") if topic.is_hidden else _("The topic is visible again."),
        url_for("community.topic", topic_id=topic.id, slug=topic.slug),
    )


@bp.route("/t/<int:topic_id>/delete", methods=["POST"])
@login_required
def delete(topic_id: int):
    topic = _load(topic_id)
    return post_action(
        ActionForm(),
        lambda: services.delete_topic(current_user, topic),
        _("The topic is deleted."),
        url_for("community.home"),
    )
