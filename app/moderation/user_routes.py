"""Moderators block and unblock a person (from their profile). Same blueprint and guard as routes.py."""

from datetime import datetime, time

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.models import User
from app.auth.rules import posting_block_active
from app.common.actions import post_action
from app.common.errors import DomainError
from app.extensions import db
from app.moderation import queries, services
from app.moderation.forms import ActionForm, BlockForm
from app.moderation.routes import bp


@bp.app_template_global()
def moderation_user_panel(user) -> dict | None:
    """What the profile shows moderators: the block form or the current block, and the history."""
    if not getattr(current_user, "is_moderator", False) or user.is_staff:
        return None
    return {
        "blocked": posting_block_active(user),
        "block_form": BlockForm(),
        "unblock_form": ActionForm(),
        "actions": queries.user_actions(user.id),
    }


def _load_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _profile(user: User) -> str:
    return url_for("profile.profile", user_id=user.id)


@bp.route("/u/<int:user_id>/block", methods=["POST"])
def block(user_id: int):
    user = _load_user(user_id)
    form = BlockForm()
    if not form.validate_on_submit():
        message = "; ".join(
            f"{form[name].label.text}: {error}" for name, errors in form.errors.items() for error in errors
        )
        return render_template("errors/error.html", code=400, message=message), 400
    until = datetime.combine(form.until.data, time.min) if form.until.data else None
    try:
        services.block_user(current_user, user, form.reason.data, until)
    except DomainError as error:
        db.session.rollback()
        return render_template("errors/error.html", code=error.status_code, message=error.message), error.status_code
    db.session.commit()
    flash(_("%(name)s is blocked from posting.", name=user.display_name), "success")
    return redirect(_profile(user))


@bp.route("/u/<int:user_id>/unblock", methods=["POST"])
def unblock(user_id: int):
    user = _load_user(user_id)
    return post_action(
        ActionForm(),
        lambda: services.unblock_user(current_user, user),
        _("%(name)s may post again.", name=user.display_name),
        _profile(user),
    )
