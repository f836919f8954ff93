"""Reading the knowledge base: the FAQ index, article pages, comments, 'Was this helpful?', article search."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.common import sensitive, signals
from app.common.actions import post_action
from app.common.errors import DomainError
from app.common.pagination import parse_page
from app.common.policy import can
from app.common.ratelimit import rate_limit
from app.extensions import db
from app.kb import queries, services
from app.kb.forms import ActionForm, CommentForm, FeedbackForm
from app.search import service as search_service
from app.search.documents import Filters

bp = Blueprint("kb", __name__, url_prefix="/kb")


def article_url(article, **kwargs) -> str:
    return url_for("kb.article", article_id=article.id, slug=article.slug, **kwargs)


def load_visible_article(article_id: int):
    return queries.load_visible_article(current_user, article_id)


@bp.app_context_processor
def _template_helpers():
    return {"kb_topic_faq": _topic_faq, "kb_can_write": lambda: can(current_user, "write_articles")}


def _topic_faq(topic) -> dict:
    """What the topic page's FAQ partial shows: the article made from the topic, and whether to offer 'Add to FAQ'."""
    article = queries.article_for_topic(current_user, topic.id)
    return {"article": article, "can_promote": article is None and can(current_user, "promote_topic", topic)}


@bp.route("/")
def index():
    sections, page = queries.faq_sections(parse_page(request.args.get("page")))
    return render_template(
        "kb/index.html",
        sections=sections,
        page=page,
        most_read=queries.most_read(),
        drafts=queries.drafts() if can(current_user, "write_articles") else [],
        faq_articles=[article for section in sections for article in section.articles],
    )


@bp.route("/search")
def search():
    query = (request.args.get("q") or "").strip()
    results = search_service.search(
        query,
        search_service.scope_for(current_user),
        Filters(kinds=("article",)),
        page=parse_page(request.args.get("page")),
    )
    if query and not results.total and results.page == 1 and signals.found_nothing(query, "kb"):
        db.session.commit()
    return render_template("kb/search.html", results=results, query=query)


def render_article(article, comment_form=None, feedback_form=None, code: int = 200):
    staff = can(current_user, "see_staff_panel")
    source = article.source_topic
    return render_template(
        "kb/article.html",
        article=article,
        source_topic=source if can(current_user, "view_topic", source) else None,
        comments=queries.article_comments(current_user, article),
        related=queries.related_topics(current_user, article) if article.is_published else [],
        comment_form=comment_form or CommentForm(),
        feedback_form=feedback_form or FeedbackForm(),
        my_feedback=queries.user_feedback(current_user, article),
        feedback_counts=queries.feedback_counts(article) if staff else None,
        feedback_comments=queries.feedback_comments(article) if staff else [],
        action_form=ActionForm(),
        can_moderate=can(current_user, "moderate"),
    ), code


@bp.route("/<int:article_id>")
@bp.route("/<int:article_id>-<slug>")
def article(article_id: int, slug: str | None = None):
    article = load_visible_article(article_id)
    if slug != article.slug:
        return redirect(article_url(article), 301)
    return render_article(article)


@bp.route("/<int:article_id>/view", methods=["POST"])
@rate_limit("view")  # readings feed search popularity: a script must not inflate them
def view(article_id: int):
    """Counts a reading (the article page's script reports it once per tab; crawlers do not run it)."""
    article = load_visible_article(article_id)
    services.record_view(article)
    db.session.commit()
    return jsonify(status="counted"), 202


@bp.route("/<int:article_id>/comments", methods=["POST"])
@login_required
@rate_limit("post", key="user")
def comment(article_id: int):
    article = load_visible_article(article_id)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            comment = services.post_article_comment(current_user, article, form.body.data)
        except DomainError as error:
            form.body.errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("Your comment is published."), "success")
            masked = sensitive.notice(comment.masked_sensitive)
            if masked:
                flash(masked, "error")
            return redirect(article_url(article, _anchor=f"c{comment.id}"))
    return render_article(article, comment_form=form, code=422)


@bp.route("/<int:article_id>/feedback", methods=["POST"])
@login_required
def feedback(article_id: int):
    article = load_visible_article(article_id)
    form = FeedbackForm()
    if form.validate_on_submit():
        try:
            services.give_feedback(current_user, article, form.helpful.data == "yes", form.comment.data)
        except DomainError as error:
            form.comment.errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("Thank you for your feedback."), "success")
            return redirect(article_url(article, _anchor="helpful"))
    return render_article(article, feedback_form=form, code=422)


def _load_comment(comment_id: int):
    comment = queries.get_comment(comment_id)
    if not can(current_user, "view_comment", comment) or not can(current_user, "view_article", comment.article):
        abort(404)
    return comment


@bp.route("/comments/<int:comment_id>/hide", methods=["POST"])
@login_required
def hide_comment(comment_id: int):
    comment = _load_comment(comment_id)
    return post_action(
        ActionForm(),
        lambda: services.set_article_comment_hidden(current_user, comment, not comment.is_hidden),
        lambda: _("The comment is hidden from customers.") if comment.is_hidden else _("The comment is visible again."),
        article_url(comment.article, _anchor=f"c{comment.id}"),
    )


@bp.route("/comments/<int:comment_id>/delete", methods=["POST"])
@login_required
def delete_comment(comment_id: int):
    comment = _load_comment(comment_id)
    return post_action(
        ActionForm(),
        lambda: services.delete_article_comment(current_user, comment),
        _("The comment is deleted."),
        article_url(comment.article, _anchor="comments"),
    )
