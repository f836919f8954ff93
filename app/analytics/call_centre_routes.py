"""/admin/analytics/call-centre: administrators enter or upload the call centre's requests per month."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.analytics import call_centre
from app.analytics.forms import CallCentreMonthForm, CallCentreUploadForm
from app.common.errors import DomainError
from app.common.forms import FlaskForm
from app.common.permissions import ADMIN
from app.extensions import db

bp = Blueprint("call_centre", __name__, url_prefix="/admin/analytics/call-centre")
MAX_UPLOAD = 200_000


def _admin_only() -> None:
    if not current_user.is_authenticated or current_user.role != ADMIN:
        abort(404)


def _page(form=None, upload=None, problems=(), status=200):
    return render_template(
        "analytics/call_centre.html",
        form=form or CallCentreMonthForm(),
        upload=upload or CallCentreUploadForm(),
        months=call_centre.months(),
        delete_form=FlaskForm(),
        problems=problems,
    ), status


@bp.route("/")
def index():
    _admin_only()
    return _page()


@bp.route("/", methods=["POST"])
def save_month():
    _admin_only()
    form = CallCentreMonthForm()
    if not form.validate_on_submit():
        return _page(form=form, status=400)
    call_centre.set_call_centre_months(current_user, {form.month.data: form.requests.data})
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for(".index"))


@bp.route("/upload", methods=["POST"])
def upload():
    _admin_only()
    form = CallCentreUploadForm()
    if not form.validate_on_submit():
        return _page(upload=form, status=400)
    data = form.file.data.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        form.file.errors = [_("The file is too large (at most 200 KB).")]
        return _page(upload=form, status=400)
    try:
        saved = call_centre.set_call_centre_months(current_user, call_centre.parse_csv(data))
    except call_centre.CsvRowsError as error:
        form.file.errors = [str(error.message)]
        return _page(upload=form, problems=error.problems, status=400)
    except DomainError as error:
        form.file.errors = [str(error.message)]
        return _page(upload=form, status=400)
    db.session.commit()
    flash(_("%(n)d months saved.", n=saved), "success")
    return redirect(url_for(".index"))


@bp.route("/<month>/delete", methods=["POST"])
def delete(month: str):
    _admin_only()
    if call_centre.parse_month(month) is None or not FlaskForm().validate_on_submit():
        abort(400)
    call_centre.delete_call_centre_month(current_user, month)
    db.session.commit()
    flash(_("Deleted."), "success")
    return redirect(url_for(".index"))
