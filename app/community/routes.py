from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.analytics import services as analytics
from app.common import sensitive
from app.common.errors import DomainError
from app.common.guards import MAX_ID
from app.common.pagination import parse_page
from app.common.policy import can
from app.common.ratelimit import rate_limit
from app.community import kinds, queries, services
from app.community.forms import ActionForm, CommentForm, SolutionForm, StatusForm, TopicForm
from app.extensions import db
from app.search import service as search_service

bp = Blueprint("community", __name__)


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdecimal() and len(value) < 10 else None


def topic_url(topic, **kwargs) -> str:
    return url_for("community.topic", topic_id=topic.id, slug=topic.slug, **kwargs)


def _load_visible_topic(topic_id: int):
    return queries.load_visible_topic(current_user, topic_id)


def _list_filters() -> dict:
    return {
        "type": request.args.get("type") if request.args.get("type") in kinds.TOPIC_TYPES else None,
        "status": request.args.get("status") if request.args.get("status") in kinds.ALL_STATUSES else None,
    }


def _topic_list_page(categories, category=None):
    """A list of topics; `categories`: loaded once per request by the caller. The counts are read once too."""
    filters = _list_filters()
    counts = queries.list_counts(current_user)
    page = queries.topic_list(
        current_user,
        parse_page(request.args.get("page")),
        per_page=current_app.config["TOPICS_PER_PAGE"],
        topic_type=filters["type"],
        category_id=category.id if category else None,
        status=filters["status"],
        counts=counts,
    )
    return render_template(
        "community/home.html",
        page=page,
        topic_type=filters["type"],
        status=filters["status"],
        category=category,
        category_id=category.id if category else None,
        categories=categories,
        counts=queries.type_counts(current_user, category.id if category else None, counts=counts),
    )


@bp.route("/")
def home():
    category_id = _int_arg("category")
    categories = queries.categories_with_departments()
    category = next((c for c in categories if c.id == category_id), None)
    if category is not None:  # the old filter address: the category has its own page now (unknown ones: ignored)
        args = {k: v for k, v in _list_filters().items() if v}
        return redirect(url_for("community.category_page", slug=category.slug, **args), 301)
    return _topic_list_page(categories)


@bp.route("/c/<slug>")
def category_page(slug: str):
    categories = queries.categories_with_departments()
    category = queries.category_by_slug(slug, categories)
    if category is None:
        abort(404)
    return _topic_list_page(categories, category)


def _sign_in_to_post():
    """Anyone may write a question and see suggestions; posting needs an account. The draft waits in the
    visitor's browser (static/js/ask.js keeps it in sessionStorage and restores it on /new after sign-in or
    registration, with its draft id, so the deflection events stay tied to the topic)."""
    flash(_("Log in or register to post your question: your draft is kept and waits for you on the form."), "info")
    return redirect(url_for("auth.login", next=url_for("community.new_topic", resume=1)), 303)


@bp.route("/new", methods=["GET", "POST"])
@rate_limit("post", key="user")
def new_topic():
    form = TopicForm()
    categories = queries.categories_with_departments()
    form.set_categories(categories)
    if request.method == "GET" and request.args.get("type") in kinds.TOPIC_TYPES:
        form.type.data = request.args["type"]
    if form.validate_on_submit():
        if form.confirmed.data != "1":
            similar = search_service.suggest(form.title.data, form.body.data, search_service.scope_for(current_user))
            if similar:
                return render_template("community/similar.html", form=form, similar=similar)
        if not current_user.is_authenticated:
            return _sign_in_to_post()
        try:
            topic = services.create_topic(
                current_user,
                form.type.data,
                form.title.data,
                form.body.data,
                form.category_id.data,
                mood=form.mood.data,
                is_private=form.is_private.data,
            )
        except DomainError as error:
            getattr(form, error.field or "title").errors.append(str(error.message))
        else:
            analytics.record_event(
                analytics.TOPIC_POSTED,
                current_user.id,
                form.draft_id.data,
                "topic",
                topic.id,
                category_id=topic.category_id,
            )
            # Everything the answer needs is read before the commit, which expires the objects (no reloads).
            published = _("Your topic is published. %(department)s will answer it.", department=topic.department.name)
            url, masked = topic_url(topic), _masked_notice(topic)
            db.session.commit()
            flash(published, "success")
            if masked:
                flash(masked, "error")
            return redirect(url)
    return render_template("community/new.html", form=form, categories=categories), 422 if form.errors else 200


def _masked_notice(post) -> str | None:
    return sensitive.notice(getattr(post, "masked_sensitive", None))


def _render_topic(topic, comment_form=None, code: int = 200):
    status_form = StatusForm()
    status_form.status.choices = [(s, kinds.STATUS_LABELS[s]) for s in kinds.STATUSES[topic.type]]
    status_form.status.data = topic.status
    return render_template(
        "community/topic.html",
        topic=topic,
        comments=queries.topic_comments(current_user, topic),
        history=queries.status_history(topic) if can(current_user, "see_staff_panel", topic) else [],
        comment_form=comment_form or CommentForm(),
        status_form=status_form,
        action_form=ActionForm(),
        solution_form=SolutionForm(),
        voted=queries.has_voted(current_user, topic),
        can_mark_solution=can(current_user, "mark_solution", topic),
    ), code


@bp.route("/t/<int:topic_id>")
@bp.route("/t/<int:topic_id>-<slug>")
def topic(topic_id: int, slug: str | None = None):
    topic = _load_visible_topic(topic_id)
    if slug != topic.slug:
        return redirect(topic_url(topic), 301)
    return _render_topic(topic)


@bp.route("/t/<int:topic_id>/comments", methods=["POST"])
@login_required
@rate_limit("post", key="user")
def comment(topic_id: int):
    topic = _load_visible_topic(topic_id)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            comment = services.post_comment(current_user, topic, form.body.data)
        except DomainError as error:
            form.body.errors.append(str(error.message))
        else:
            url, masked = topic_url(topic, _anchor=f"c{comment.id}"), _masked_notice(comment)
            published = _("Your answer is published.")
            db.session.commit()
            flash(published, "success")
            if masked:
                flash(masked, "error")
            return redirect(url)
    return _render_topic(topic, comment_form=form, code=422)


@bp.route("/t/<int:topic_id>/vote", methods=["POST"])
@login_required
def vote(topic_id: int):
    topic = _load_visible_topic(topic_id)
    voted = services.toggle_vote(current_user, topic)
    db.session.commit()
    flash(_("Thank you, your vote is counted.") if voted else _("Your vote is withdrawn."), "success")
    return redirect(topic_url(topic))


@bp.route("/t/<int:topic_id>/solution", methods=["POST"])
@login_required
def solution(topic_id: int):
    topic = _load_visible_topic(topic_id)
    form = SolutionForm()
    comment_id = form.comment_id.data or ""
    if not comment_id.isdecimal() or len(comment_id) > 10 or int(comment_id) > MAX_ID:
        abort(400)
    services.mark_solution(current_user, topic, int(comment_id))
    db.session.commit()
    flash(_("The solution is marked.") if topic.solution_comment_id else _("The solution mark is removed."), "success")
    return redirect(topic_url(topic))


@bp.route("/t/<int:topic_id>/status", methods=["POST"])
@login_required
def status(topic_id: int):
    topic = _load_visible_topic(topic_id)
    if not can(current_user, "change_status", topic):
        abort(403)
    form = StatusForm()
    services.change_status(current_user, topic, form.status.data or "")
    db.session.commit()
    flash(_("Status changed to “%(status)s”.", status=kinds.STATUS_LABELS[topic.status]), "success")
    return redirect(topic_url(topic))
