"""Forgot password, reset password, confirm the e-mail address, send the confirmation again."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user

from app.accounts import services
from app.accounts.forms import ChangePasswordForm, ForgotPasswordForm, ResendForm, ResetPasswordForm
from app.auth.sessions import current_token
from app.common.errors import DomainError
from app.common.timing import at_least
from app.common.urls import local_path
from app.extensions import db, limiter

bp = Blueprint("accounts", __name__)


def _reset_limit() -> str:
    return current_app.config.get("RATELIMIT_PASSWORD_RESET", "5/minute;20/hour")


def _resend_limit() -> str:
    return current_app.config.get("RATELIMIT_VERIFICATION_RESEND", "3/hour")


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        # The mail for a known address is rendered, queued and (MAIL_SEND=inline) sent after the commit;
        # an unknown one costs almost nothing: both answers take at least ACCOUNT_ANSWER_FLOOR seconds.
        with at_least(float(current_app.config["ACCOUNT_ANSWER_FLOOR"])):
            services.request_password_reset(form.email.data)
            db.session.commit()
        # The same answer whether or not the address is registered.
        flash(
            _(
                "If this address is registered, we sent a link to reset the password to it. "
                "The link works once, for one hour."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("accounts/forgot.html", form=form), 422 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def reset_password(token: str):
    if services.user_for_reset_token(token) is None:
        return render_template("accounts/reset_invalid.html"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.reset_password(token, form.password.data)
        except DomainError as error:
            form.password.errors.append(str(error.message))
        else:
            db.session.commit()
            login_user(user, remember=True)
            flash(_("Your password is changed. You are logged in; other sessions were signed out."), "success")
            return redirect(url_for("community.home"))
    return render_template("accounts/reset.html", form=form, token=token), 422 if form.errors else 200


@bp.route("/verify/<token>")
def verify_email(token: str):
    try:
        user = services.verify_email(token)
    except DomainError as error:
        return render_template("errors/error.html", code=400, message=error.message), 400
    db.session.commit()
    if not current_user.is_authenticated:
        login_user(user)
    flash(_("Thank you: your e-mail address is confirmed."), "success")
    return redirect(local_path(request.args.get("next")) or url_for("community.home"))


@bp.route("/verify/resend", methods=["POST"])
@login_required
@limiter.limit(_resend_limit, key_func=lambda: f"user:{current_user.get_id()}")
def resend_verification():
    form = ResendForm()
    if form.validate_on_submit():
        services.send_verification(current_user)
        db.session.commit()
        flash(_("We sent the confirmation e-mail again to %(email)s.", email=current_user.email), "info")
    return redirect(url_for("auth.settings"))


@bp.route("/settings/password", methods=["GET", "POST"])
@login_required
@limiter.limit(_reset_limit, methods=["POST"], key_func=lambda: f"user:{current_user.get_id()}")
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            ended = services.change_password(
                current_user, form.current_password.data, form.password.data, keep_token=current_token()
            )
        except DomainError as error:
            getattr(form, error.field or "password").errors.append(str(error.message))
        else:
            db.session.commit()
            flash(
                ngettext(
                    "Your password is changed. %(num)d other sign-in was ended.",
                    "Your password is changed. %(num)d other sign-ins were ended.",
                    ended,
                ),
                "success",
            )
            return redirect(url_for("auth.settings"))
    return render_template("accounts/change_password.html", form=form), 422 if form.errors else 200
