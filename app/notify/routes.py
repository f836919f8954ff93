from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.models import User
from app.common.actions import post_action
from app.common.pagination import parse_page
from app.common.policy import ADMIN, can, role_required
from app.community.models import Topic
from app.community.queries import load_visible_topic
from app.extensions import csrf, db
from app.notify import links, queries, services
from app.notify.forms import FollowForm, SettingsForm
from app.notify.models import MAIL_STATUS_LABELS, MAIL_STATUSES, MailMessage

bp = Blueprint("notify", __name__)


def _topic_url(topic: Topic) -> str:
    return url_for("community.topic", topic_id=topic.id, slug=topic.slug)


def _load_visible_topic(topic_id: int) -> Topic:
    return load_visible_topic(current_user, topic_id)


@bp.route("/t/<int:topic_id>/follow", methods=["POST"])
@login_required
def follow(topic_id: int):
    topic = _load_visible_topic(topic_id)
    return post_action(
        FollowForm(),
        lambda: services.follow_topic(current_user, topic),
        _("You follow this topic: answers and status changes come by e-mail."),
        _topic_url(topic) + "#follow",
    )


@bp.route("/t/<int:topic_id>/unfollow", methods=["POST"])
@login_required
def unfollow(topic_id: int):
    topic = _load_visible_topic(topic_id)
    return post_action(
        FollowForm(),
        lambda: services.unfollow_topic(current_user, topic),
        _("You no longer follow this topic."),
        _topic_url(topic) + "#follow",
    )


@bp.route("/settings/notifications", methods=["GET", "POST"])
@login_required
def settings():
    current = queries.settings_of(current_user)
    form = SettingsForm(obj=current)
    if form.validate_on_submit():
        flags = {"email_enabled": form.email_enabled.data, "topic_activity": form.topic_activity.data}
        if can(current_user, "see_staff_panel"):
            flags.update(new_topics=form.new_topics.data, digest=form.digest.data)
        services.update_settings(current_user, **flags)
        db.session.commit()
        flash(_("Your e-mail settings are saved."), "success")
        return redirect(url_for("notify.settings"))
    return render_template(
        "notify/settings.html", form=form, staff=can(current_user, "see_staff_panel")
    ), 422 if form.errors else 200


def _token_user(token: str) -> tuple[User, str]:
    parsed = links.read_unsubscribe_token(token)
    user = db.session.get(User, parsed[0]) if parsed else None
    if user is None:
        abort(404)
    return user, parsed[1]


def _scope_topic(scope: str) -> Topic | None:
    topic_id = links.parse_topic_scope(scope)
    return db.session.get(Topic, topic_id) if topic_id is not None else None


@bp.route("/unsubscribe/<token>", methods=["GET"])
def unsubscribe(token: str):
    """A confirmation page: GET never changes anything (link scanners and previews open links)."""
    user, scope = _token_user(token)
    topic = _scope_topic(scope)
    return render_template(
        "notify/unsubscribe.html",
        token=token,
        scope=scope,
        user=user,
        topic_title=topic.title if can(user, "view_topic", topic) else None,
    )


# RFC 8058 one-click unsubscribe: mail clients POST "List-Unsubscribe=One-Click" to the List-Unsubscribe URL
# without any page (so without our CSRF token), and must not have to log in. The signed token in the URL is
# what authenticates the request: it names the user and what to stop, and only the recipient has it. So this
# one view is exempt from CSRF; it can do nothing but turn mail off for the token's user.
@csrf.exempt
@bp.route("/unsubscribe/<token>", methods=["POST"])
def unsubscribe_confirm(token: str):
    user, scope = _token_user(token)
    if request.form.get("what") == links.ALL:
        scope = links.ALL
    topic = _scope_topic(scope)
    services.unsubscribe(user, scope)
    db.session.commit()
    return render_template(
        "notify/unsubscribed.html",
        scope=scope,
        user=user,
        topic_title=topic.title if can(user, "view_topic", topic) else None,
    )


@bp.route("/admin/outbox")
@role_required(ADMIN)
def outbox():
    status = request.args.get("status") if request.args.get("status") in MAIL_STATUSES else None
    page = queries.outbox_page(parse_page(request.args.get("page")), status=status)
    return render_template(
        "notify/outbox.html",
        page=page,
        status=status,
        counts=queries.outbox_counts(),
        statuses=MAIL_STATUSES,
        status_labels=MAIL_STATUS_LABELS,
    )


@bp.route("/admin/outbox/<int:message_id>")
@role_required(ADMIN)
def outbox_message(message_id: int):
    message = db.session.get(MailMessage, message_id)
    if message is None:
        abort(404)
    return render_template("notify/outbox_message.html", message=message)


# The HTML part as its own document for the preview's sandboxed iframe: e-mail HTML needs inline styles, which the
# site's policy forbids, so it gets a policy of its own that allows styles and nothing that runs or connects.
MAIL_PREVIEW_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data: https:; frame-ancestors 'self'; sandbox"
)


@bp.route("/admin/outbox/<int:message_id>/html")
@role_required(ADMIN)
def outbox_message_html(message_id: int):
    message = db.session.get(MailMessage, message_id)
    if message is None:
        abort(404)
    response = current_app.response_class(message.body_html or "", mimetype="text/html")
    response.headers["Content-Security-Policy"] = MAIL_PREVIEW_CSP
    return response
