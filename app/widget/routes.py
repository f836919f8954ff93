"""The widget's routes: the loader /widget.js, the framed panel and thread, the sign-in popup and the JSON API.

The panel lives in a cross-site iframe, where the session cookie (SameSite=Lax) is not sent: its reads are
anonymous (public content only) and its writes carry the widget's own signed credentials (see tokens.py).
"""

import json
from functools import lru_cache
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.analytics.services import CLIENT_EVENTS
from app.auth.models import User
from app.common.errors import DomainError
from app.common.framing import allow_framing_by
from app.community import kinds
from app.extensions import csrf, db, limiter
from app.widget import queries, services, tokens
from app.widget.origins import allowed_origins, normalise_origin
from app.widget.panel import panel_response

bp = Blueprint("widget", __name__)
FRAMED = frozenset({"widget.panel"})
LOADER = Path(__file__).resolve().parents[2] / "static" / "widget" / "widget.js"


@bp.before_request
def framing():
    if request.endpoint in FRAMED:
        allow_framing_by(allowed_origins())


# --- the loader ---------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _loader_source(languages: tuple[str, ...]) -> str:
    labels = {}
    for language in languages:
        with force_locale(language):
            labels[language] = {"tab": _("Ask us!"), "close": _("Close"), "panel": _("Ask us: questions and answers")}
    return LOADER.read_text(encoding="utf-8").replace("/*LABELS*/{}", json.dumps(labels, ensure_ascii=False))


@bp.route("/widget.js")
def loader():
    response = current_app.response_class(
        _loader_source(tuple(current_app.config["LANGUAGES"])), mimetype="text/javascript"
    )
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"  # loaded by the company's pages
    response.add_etag()
    return response.make_conditional(request)


@bp.route("/widget/example")
def example():
    """Development only: a stand-in for a company's page, embedding the snippet. Open it as
    http://localhost:5000/widget/example while the community is http://127.0.0.1:5000 (two sites)."""
    if not current_app.config.get("DEMO_ALLOWED"):
        abort(404)
    return render_template("widget/example.html", community=current_app.config["PUBLIC_URL"].rstrip("/"))


# --- the panel ----------------------------------------------------------------------------------------


def _host_origin() -> str:
    host = normalise_origin(request.args.get("host", ""))
    if host is None or host not in allowed_origins():
        raise DomainError(_("This site is not allowed to show the “Ask us!” widget."), field="host")
    return host


@bp.route("/widget/panel")
def panel():
    try:
        host = _host_origin()
    except DomainError as error:
        return render_template("widget/blocked.html", message=error.message), 403
    return panel_response(host, category=request.args.get("category", ""))


@bp.route("/widget/thread/<int:topic_id>")
def thread(topic_id: int):
    """A public thread, read-only, as a fragment the panel shows in place (fetched from the panel's origin)."""
    topic = queries.public_topic(topic_id)
    if topic is None:
        abort(404)
    return render_template("widget/_thread.html", topic=topic, comments=queries.public_comments(topic), kinds=kinds)


# --- signing in: a popup on the community's own origin ------------------------------------------------


@bp.route("/widget/signin")
def signin():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=url_for("widget.signin")))
    token = tokens.issue_post_token(current_user)
    handoff = {
        "type": "otklik:widget-token",
        "token": token,
        "csrf": tokens.csrf_for(token),
        "name": current_user.display_name,
    }
    response = current_app.make_response(render_template("widget/signin.html", handoff=handoff))
    response.headers["Cache-Control"] = "no-store"
    # The popup must keep its opener (the panel) to hand it the token.
    response.headers["Cross-Origin-Opener-Policy"] = "unsafe-none"
    return response


# --- the JSON API of the panel ------------------------------------------------------------------------


def _json_error(message, code: int, **extra):
    return jsonify(error=str(message), **extra), code


@bp.route("/api/v1/widget/events", methods=["POST"])
@csrf.exempt  # gated by the panel's signed token instead of a session the cross-site iframe does not have
@limiter.limit("120 per minute")
def events():
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return _json_error(_("Send a JSON object."), 400)
    try:
        draft, channel = tokens.read_panel_token(request.headers.get("X-Widget-Panel"))
    except tokens.TokenError:
        return _json_error(_("The panel has expired. Reload it and try again."), 401)
    if payload.get("draft") != draft or payload.get("event") not in CLIENT_EVENTS:
        return _json_error(_("Unknown event."), 400)
    services.record_panel_event(
        payload["event"],
        draft,
        payload.get("kind"),
        payload.get("id"),
        payload.get("count"),
        channel=channel,
        category=payload.get("category"),
    )
    db.session.commit()
    return jsonify(status="recorded"), 201


def _post_author():
    """(user, channel) the request's Bearer token was issued for, and None; or (None, None) and (message, code)."""
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header[:7].lower() == "bearer " else ""
    try:
        user_id, generation, channel = tokens.read_post_token(token)
    except tokens.TokenError as error:
        if error.reason == "expired":
            return (None, None), (_("Your sign-in has expired. Sign in again to post."), 401)
        return (None, None), (_("Sign in to post your request."), 401)
    if not tokens.csrf_matches(token, request.headers.get("X-Widget-CSRF")):
        return (None, None), (_("The request could not be verified. Reload the panel and try again."), 403)
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.is_active or tokens.session_generation(user) != generation:
        return (None, None), (_("Sign in to post your request."), 401)
    return (user, channel), None


def _post_limit() -> str:
    return current_app.config["WIDGET_POST_LIMIT"]


@bp.route("/api/v1/widget/topics", methods=["POST"])
@csrf.exempt  # a Bearer credential and a CSRF token bound to it replace the session's CSRF token
@limiter.limit(_post_limit)
def post_topic():
    (user, channel), error = _post_author()
    if error:
        return _json_error(*error)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return _json_error(_("Send a JSON object."), 400)
    category = payload.get("category_id")
    text = {
        key: payload.get(key) if isinstance(payload.get(key), str) else "" for key in ("type", "mood", "title", "body")
    }
    try:
        topic = services.post_widget_request(
            user,
            text["type"],
            text["title"],
            text["body"],
            int(category) if str(category).isdecimal() and len(str(category)) < 10 else None,
            mood=text["mood"] or None,
            source_url=payload.get("source_url"),
            source_title=payload.get("source_title"),
            draft_id=payload.get("draft"),
            allowed=allowed_origins(),
            channel=channel,
        )
    except DomainError as failure:
        return _json_error(failure.message, 422, field=failure.field)
    db.session.commit()
    return jsonify(
        id=topic.id,
        title=topic.title,
        url=url_for("community.topic", topic_id=topic.id, slug=topic.slug, _external=True),
    ), 201
