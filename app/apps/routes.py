"""The VK Mini App and the Facebook app: signature-gated entries that open the widget's panel inside the frame."""

from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _

from app.apps import services
from app.apps.signatures import (
    SignatureError,
    verify_facebook_signed_request,
    verify_vk_launch_params,
)
from app.common.errors import DomainError, NotFound
from app.common.framing import allow_framing_by
from app.extensions import csrf, db, limiter
from app.widget.panel import panel_response

bp = Blueprint("apps", __name__, url_prefix="/apps")

# Exactly the origins that frame the apps: VK (desktop and mobile web, on vk.com and its vk.ru mirror) and
# Facebook (canvas at apps.facebook.com, page tabs on www/web/m.facebook.com). Nothing else may frame them.
FRAMERS = (
    "https://vk.com",
    "https://m.vk.com",
    "https://vk.ru",
    "https://m.vk.ru",
    "https://www.facebook.com",
    "https://apps.facebook.com",
    "https://web.facebook.com",
    "https://m.facebook.com",
)
ENTRY_LIMIT = "60 per minute"


class Refused(DomainError):
    status_code = 403


# The settings of each platform: its app secret, and how old a signed launch may be.
_SECRET = {"VK": "VK_APP_SECRET", "FACEBOOK": "FACEBOOK_APP_SECRET"}
_MAX_AGE = {"VK": "VK_LAUNCH_MAX_AGE", "FACEBOOK": "FACEBOOK_SIGNED_REQUEST_MAX_AGE"}


def _verified_once(verify, signed: str, platform: str) -> dict:
    """The platform's signed launch data, verified, and accepted only once (a replay is refused).
    Raises SignatureError."""
    config = current_app.config
    data = verify(signed, config[_SECRET[platform]], config[_MAX_AGE[platform]])
    services.accept_launch_once(signed, config[_MAX_AGE[platform]])
    return data


def _refuse(error: SignatureError):
    raise Refused(error.message)


def open_widget_view(user, channel: str):
    """The framed view for a signed-in app user: the widget's panel, talking to the platform's origins only,
    with the user's posting credential and the app's channel signed into its tokens."""
    return panel_response(host=FRAMERS, channel=channel, user=user)


@bp.route("/vk")
@limiter.limit(ENTRY_LIMIT)
def vk():
    allow_framing_by(FRAMERS)
    try:
        params = _verified_once(verify_vk_launch_params, request.query_string.decode("utf-8", "replace"), "VK")
    except SignatureError as error:
        _refuse(error)
    user = services.enter_app("vk", params["vk_user_id"])
    db.session.commit()
    return open_widget_view(user, "vk")


def _facebook_payload() -> dict:
    try:
        payload = _verified_once(verify_facebook_signed_request, request.form.get("signed_request", ""), "FACEBOOK")
    except SignatureError as error:
        _refuse(error)
    if not str(payload.get("user_id", "")).isdigit():
        raise Refused(_("Allow the app on Facebook first, so that we know who is asking."))
    return payload


@bp.route("/facebook", methods=["GET", "POST"])
@csrf.exempt  # signature-gated: the signed_request is the proof the request comes from Facebook
@limiter.limit(ENTRY_LIMIT)
def facebook():
    allow_framing_by(FRAMERS)
    if request.method == "GET":
        raise Refused(_("Open this app from Facebook: the request is not signed."))
    payload = _facebook_payload()
    user = services.enter_app("facebook", payload["user_id"])
    db.session.commit()
    return open_widget_view(user, "facebook")


@bp.route("/facebook/data-deletion", methods=["POST"])
@csrf.exempt  # signature-gated
@limiter.limit(ENTRY_LIMIT)
def facebook_data_deletion():
    try:
        payload = _verified_once(verify_facebook_signed_request, request.form.get("signed_request", ""), "FACEBOOK")
    except SignatureError as error:
        return jsonify(error=str(error.message)), 400
    if not str(payload.get("user_id", "")).isdigit():
        return jsonify(error=_("The signed request names no user.")), 400
    deletion = services.delete_facebook_data(payload["user_id"])
    db.session.commit()
    url = url_for("apps.deletion_status", code=deletion.confirmation_code, _external=True)
    return jsonify(url=url, confirmation_code=deletion.confirmation_code)


@bp.route("/facebook/data-deletion/<code>")
@limiter.limit(ENTRY_LIMIT)
def deletion_status(code: str):
    deletion = services.deletion_request(code)
    if deletion is None:
        raise NotFound(_("There is no data-deletion request with this code."))
    return render_template("apps/deletion_status.html", deletion=deletion)
