from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from app.auth import services
from app.auth.forms import LoginForm, RegisterForm, SettingsForm
from app.auth.sessions import sign_out
from app.common.errors import DomainError
from app.common.i18n import set_language_cookie, time_zones
from app.common.ratelimit import rate_limit
from app.common.timing import at_least
from app.common.urls import local_path
from app.extensions import db

bp = Blueprint("auth", __name__)


def _next_arg() -> str | None:
    return request.args.get("next") or request.form.get("next")


def _safe_next(default: str) -> str:
    return local_path(_next_arg()) or default


@bp.route("/register", methods=["GET", "POST"])
@rate_limit("register")
def register():
    if current_user.is_authenticated:
        return redirect(url_for("community.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            # A new and a taken address get the same answer, in the same time, in every EMAIL_VERIFICATION
            # mode: nobody is signed in here, and one e-mail goes to the address (a link that finishes the
            # registration, or "someone tried to register with your address" to its owner).
            with at_least(float(current_app.config.get("ACCOUNT_ANSWER_FLOOR", 0.25))):
                services.register_or_notify(
                    form.email.data, form.password.data, form.display_name.data, next_url=local_path(_next_arg())
                )
                db.session.commit()
        except DomainError as error:
            getattr(form, error.field or "email").errors.append(str(error.message))
        else:
            flash(
                _(
                    "Check your e-mail: we sent a message to %(email)s. Follow the link in it to finish.",
                    email=services.normalise_email(form.email.data),
                ),
                "info",
            )
            return redirect(url_for("auth.login", next=_safe_next(url_for("community.home"))))
    return render_template("auth/register.html", form=form), 422 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@rate_limit("signin")
@rate_limit("signin_account", key="email")
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(url_for("community.home")))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("Wrong e-mail or password."))
        else:
            login_user(user, remember=True)
            db.session.commit()
            flash(_("You are logged in."), "success")
            return redirect(_safe_next(url_for("community.home")))
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    if request.method == "POST":
        sign_out()
        db.session.commit()
        flash(_("You are logged out."), "info")
        return redirect(url_for("community.home"))
    return render_template("auth/logout.html")


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = SettingsForm(obj=current_user)
    form.set_time_zones(time_zones(), current_app.config["BABEL_DEFAULT_TIMEZONE"])
    if form.validate_on_submit():
        try:
            services.update_settings(current_user, form.display_name.data, form.locale.data, form.timezone.data)
        except DomainError as error:
            getattr(form, error.field or "display_name").errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("Settings saved."), "success")
            return redirect(url_for("auth.settings"))
    return render_template("auth/settings.html", form=form), 422 if form.errors else 200


@bp.route("/language", methods=["POST"])
def language():
    """The language switcher on every page: a cookie for everyone, and the profile for a signed-in user."""
    lang = request.form.get("lang", "")
    if lang not in current_app.config["LANGUAGES"]:
        return render_template("errors/error.html", code=400, message=_("Unknown language.")), 400
    if current_user.is_authenticated:
        services.set_locale(current_user, lang)
        db.session.commit()
    target = urlsplit(_safe_next(url_for("community.home")))
    query = urlencode([(k, v) for k, v in parse_qsl(target.query, keep_blank_values=True) if k != "lang"])
    back = urlunsplit(("", "", target.path, query, ""))
    return set_language_cookie(redirect(back, 303), lang)
