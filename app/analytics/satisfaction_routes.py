"""Answering the satisfaction questions: CSAT on a solved topic (its author), NPS (active customers)."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.analytics import satisfaction
from app.analytics.forms import CsatForm, NpsForm
from app.common.errors import DomainError
from app.community.models import Topic
from app.extensions import db, limiter

bp = Blueprint("satisfaction", __name__)


def _back(topic: Topic) -> str:
    return url_for("community.topic", topic_id=topic.id, slug=topic.slug) + "#csat"


@bp.route("/t/<int:topic_id>/rate", methods=["POST"])
@login_required
@limiter.limit("20/hour")
def rate(topic_id: int):
    topic = db.session.get(Topic, topic_id)
    if topic is None or topic.author_id != current_user.id or topic.is_deleted:
        abort(404)
    form = CsatForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(errors[0], "error")
        return redirect(_back(topic))
    try:
        satisfaction.rate_topic(
            current_user, topic, form.solved.data == "yes", int(form.score.data), form.comment.data or ""
        )
    except DomainError as error:
        flash(str(error.message), "error")
        return redirect(_back(topic))
    db.session.commit()
    flash(_("Thank you for your rating."), "success")
    return redirect(_back(topic))


@bp.route("/feedback/recommend", methods=["POST"])
@login_required
@limiter.limit("20/hour")
def recommend():
    form = NpsForm()
    back = request.referrer if (request.referrer or "").startswith(request.host_url) else url_for("community.home")
    if not form.validate_on_submit():
        flash(_("Choose a number from 0 to 10."), "error")
        return redirect(back)
    if not form.dismiss.data and not form.score.data:
        flash(_("Choose a number from 0 to 10."), "error")
        return redirect(back)
    score = None if form.dismiss.data else int(form.score.data)
    try:
        satisfaction.answer_nps(current_user, score, form.comment.data or "")
    except DomainError as error:
        flash(str(error.message), "error")
        return redirect(back)
    db.session.commit()
    flash(_("Thank you.") if score is not None else _("We will not ask again this quarter."), "success")
    return redirect(back)
