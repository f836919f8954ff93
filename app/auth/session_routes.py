"""Sign out everywhere: on the account's settings page, and by an administrator for any user."""

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, logout_user

from app.auth.models import User
from app.auth.sessions import revoke_sessions
from app.common.permissions import ADMIN, role_required
from app.extensions import db

bp = Blueprint("auth_sessions", __name__)


@bp.route("/settings/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    revoke_sessions(current_user)
    logout_user()
    db.session.commit()
    flash(_("You are signed out on every device, this one included."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/admin/users/<int:user_id>/sign-out-everywhere", methods=["POST"])
@role_required(ADMIN)
def admin_sign_out_everywhere(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    count = revoke_sessions(user)
    if user.id == current_user.id:
        logout_user()
    db.session.commit()
    flash(
        ngettext(
            "%(name)s is signed out on every device (%(num)d session ended).",
            "%(name)s is signed out on every device (%(num)d sessions ended).",
            count,
            name=user.display_name,
        ),
        "success",
    )
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for("admin.user", user_id=user.id))
