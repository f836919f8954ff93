"""/admin/analytics/mood-alerts: administrators set the mood-alert threshold."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.analytics import mood_settings
from app.analytics.forms import MoodAlertForm
from app.common.errors import DomainError
from app.common.permissions import ADMIN
from app.extensions import db

bp = Blueprint("mood_settings", __name__, url_prefix="/admin/analytics/mood-alerts")


def _admin_only() -> None:
    if not current_user.is_authenticated or current_user.role != ADMIN:
        abort(404)


@bp.route("/", methods=["GET", "POST"])
def edit():
    _admin_only()
    form = MoodAlertForm()
    if not form.is_submitted():
        current = mood_settings.threshold()
        form.points.data, form.min_topics.data = current.points, current.min_topics
    elif form.validate_on_submit():
        try:
            mood_settings.save_threshold(current_user, form.points.data, form.min_topics.data)
        except DomainError as error:
            getattr(form, error.field or "points").errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("The mood alert threshold is saved."), "success")
            return redirect(url_for(".edit"))
    code = 422 if form.errors else 200
    return render_template("analytics/mood_settings.html", form=form), code
