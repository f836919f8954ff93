"""Staff pages: the phrasings of a topic or an article: see, add, approve, remove."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.common.errors import DomainError
from app.common.policy import can
from app.common.ratelimit import rate_limit
from app.extensions import db
from app.learning import queries, services
from app.learning.forms import PhrasingForm

bp = Blueprint("learning", __name__, url_prefix="/staff/phrasings")


def _thread(kind: str, ref_id: int) -> dict:
    """Title and link of the thread, if the member of staff may see it (else 404)."""
    if not can(current_user, "manage_phrasings"):
        abort(404)
    if kind == "topic":
        from app.community.queries import load_visible_topic

        topic = load_visible_topic(current_user, ref_id)
        return {"title": topic.title, "url": url_for("community.topic", topic_id=topic.id, slug=topic.slug)}
    if kind == "article":
        from app.kb.queries import load_visible_article

        article = load_visible_article(current_user, ref_id)
        return {"title": article.title, "url": url_for("kb.article", article_id=article.id, slug=article.slug)}
    abort(404)


def _back(kind: str, ref_id: int):
    return redirect(url_for("learning.phrasings", kind=kind, ref_id=ref_id), 303)


@bp.route("/<kind>/<int:ref_id>")
@login_required
def phrasings(kind: str, ref_id: int):
    return _page(kind, ref_id, PhrasingForm())


def _page(kind: str, ref_id: int, form: PhrasingForm, code: int = 200):
    thread = _thread(kind, ref_id)
    items = queries.for_thread(kind, ref_id)
    return render_template(
        "learning/phrasings.html", kind=kind, ref_id=ref_id, thread=thread, items=items, form=form
    ), code


@bp.route("/<kind>/<int:ref_id>/add", methods=["POST"])
@login_required
@rate_limit("post", key="user")
def add(kind: str, ref_id: int):
    _thread(kind, ref_id)
    form = PhrasingForm()
    if not form.validate_on_submit():
        return _page(kind, ref_id, form, 422)
    try:
        services.add(current_user, kind, ref_id, form.text.data)
    except DomainError as error:
        form.text.errors.append(str(error.message))
        return _page(kind, ref_id, form, 422)
    db.session.commit()
    flash(_("The phrasing is added: search finds the thread by it."), "success")
    return _back(kind, ref_id)


@bp.route("/<kind>/<int:ref_id>/<int:phrasing_id>/<action>", methods=["POST"])
@login_required
def change(kind: str, ref_id: int, phrasing_id: int, action: str):
    _thread(kind, ref_id)
    phrasing = queries.load(phrasing_id, kind, ref_id)
    if phrasing is None or action not in ("approve", "remove"):
        abort(404)
    if action == "approve":
        services.approve(current_user, phrasing)
        message = _("The phrasing is approved: search finds the thread by it.")
    else:
        services.remove(current_user, phrasing)
        message = _("The phrasing is removed.")
    db.session.commit()
    flash(message, "success")
    return _back(kind, ref_id)
