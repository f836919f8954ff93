"""Sign in with VK ID, Yandex ID, Google, Facebook or a company's OpenID Connect provider; link and unlink."""

from dataclasses import asdict

import requests
from authlib.integrations.base_client import OAuthError
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from joserfc.errors import JoseError

from app.common.actions import post_action
from app.common.errors import DomainError
from app.extensions import db, limiter
from app.identity import providers, services
from app.identity.forms import ConfirmLinkForm, LinkForm, UnlinkForm

bp = Blueprint("identity", __name__)
PENDING = "identity_pending_link"
NEXT = "identity_next"
SIGN_IN_LIMIT = "60 per minute"  # per address: a whole office behind one NAT may sign in at nine
KEEP_PENDING_LOGINS = 3  # abandoned sign-ins are forgotten beyond this, so the session cookie stays small


def _client_or_404(provider: str):
    client = providers.client_for(current_app, provider)
    if client is None:
        abort(404)
    return client


def _forget_abandoned_logins() -> None:
    pending = sorted(
        (key for key in session if key.startswith("_state_")),
        key=lambda key: (session[key] or {}).get("exp", 0),
        reverse=True,
    )
    for key in pending[KEEP_PENDING_LOGINS - 1 :]:
        session.pop(key, None)


def _start(provider: str):
    client = _client_or_404(provider)
    _forget_abandoned_logins()
    return client.authorize_redirect(url_for("identity.callback", provider=provider, _external=True))


@bp.route("/login/<provider>")
@limiter.limit(SIGN_IN_LIMIT)
def login(provider: str):
    target = request.args.get("next", "")
    session[NEXT] = target if target.startswith("/") and not target.startswith(("//", "/\\")) else None
    return _start(provider)


@bp.route("/account/link/<provider>", methods=["POST"])
@login_required
@limiter.limit(SIGN_IN_LIMIT)
def link(provider: str):
    if not LinkForm().validate_on_submit():
        abort(400)
    session[NEXT] = url_for("identity.account")
    return _start(provider)


@bp.route("/login/<provider>/callback")
@limiter.limit(SIGN_IN_LIMIT)
def callback(provider: str):
    client = _client_or_404(provider)
    try:
        token = client.authorize_access_token(
            leeway=current_app.config["OIDC_LEEWAY"], **providers.token_extras(provider, request.args)
        )
        profile = providers.profile_from(provider, client, token)
    except (OAuthError, JoseError, ValueError, KeyError) as error:
        current_app.logger.info("sign-in with %s refused: %s", provider, type(error).__name__)
        raise DomainError(
            _("Sign-in with %(provider)s failed or was cancelled. Please try again.", provider=provider)
        ) from None
    except requests.RequestException:
        raise DomainError(_("%(provider)s could not be reached. Please try again later.", provider=provider)) from None
    target = session.pop(NEXT, None) or url_for("community.home")
    if current_user.is_authenticated:
        services.link_identity(current_user, profile)
        db.session.commit()
        flash(_("Linked. You can now sign in with it."), "success")
        return redirect(url_for("identity.account"))
    try:
        user = services.sign_in_with(profile)
    except services.EmailBelongsToAccount as error:
        session[PENDING] = asdict(profile)
        flash(error.message, "info")
        return redirect(url_for("auth.login", next=url_for("identity.confirm_link")))
    db.session.commit()
    login_user(user, remember=True)
    flash(_("You are logged in."), "success")
    return redirect(target)


@bp.route("/account/sign-in", methods=["GET"])
@login_required
def account():
    return render_template(
        "identity/account.html",
        identities=services.identities_of(current_user),
        providers=providers.enabled_providers(current_app),
        link_form=LinkForm(),
        unlink_form=UnlinkForm(),
    )


@bp.route("/account/sign-in/<int:identity_id>/unlink", methods=["POST"])
@login_required
def unlink(identity_id: int):
    return post_action(
        UnlinkForm(),
        lambda: services.unlink_identity(current_user, identity_id),
        _("Unlinked."),
        url_for("identity.account"),
    )


@bp.route("/account/link/confirm", methods=["GET", "POST"])
@login_required
def confirm_link():
    pending = session.get(PENDING)
    if not pending:
        flash(_("There is nothing to link."), "info")
        return redirect(url_for("identity.account"))
    form = ConfirmLinkForm()
    if form.validate_on_submit():
        services.link_identity(current_user, services.Profile(**pending))
        db.session.commit()
        session.pop(PENDING, None)
        flash(_("Linked. You can now sign in with it."), "success")
        return redirect(url_for("identity.account"))
    return render_template("identity/confirm_link.html", pending=pending, form=form)
