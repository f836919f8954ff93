"""Writing the knowledge base (representatives and administrators): create, edit, publish, order the FAQ,
revisions and restore, 'Add to FAQ' from a community topic."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.common.actions import post_action
from app.common.errors import DomainError
from app.common.policy import OFFICIAL_ROLES, role_required
from app.community import queries as community_queries
from app.extensions import db
from app.kb import queries, services
from app.kb.forms import ActionForm, ArticleForm, MoveForm
from app.kb.routes import article_url
from app.staff import queries as staff_queries

bp = Blueprint("kb_editor", __name__, url_prefix="/kb")

writers_only = role_required(*OFFICIAL_ROLES)  # the write_articles rule


def _load(article_id: int):
    return queries.load_visible_article(current_user, article_id)  # writers see drafts too


def _article_form(**kwargs) -> ArticleForm:
    form = ArticleForm(**kwargs)
    form.set_choices(community_queries.categories_with_departments(), staff_queries.departments())
    return form


def _int_or_none(value) -> int | None:
    value = str(value or "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def _form_error(form: ArticleForm, error: DomainError) -> None:
    target = getattr(form, error.field, None) if error.field else None
    if target is None:
        target = form.title
    target.errors = list(target.errors) + [str(error.message)]


def _render_editor(form, article=None, source_topic=None, code: int = 200):
    return render_template("kb/edit.html", form=form, article=article, source_topic=source_topic), code


def _visible_topic(topic_id: int):
    return community_queries.load_visible_topic(current_user, topic_id)


@bp.route("/new", methods=["GET", "POST"])
@writers_only
def new():
    topic_id = _int_or_none(request.args.get("topic"))
    if request.method == "GET" and topic_id:
        # 'Add to FAQ': the editor filled in from the topic (nothing is saved until the writer saves).
        topic = _visible_topic(topic_id)
        existing = services.article_from_topic(topic.id)
        if existing is not None:
            flash(_("An article was already made from this topic."), "info")
            return redirect(url_for("kb_editor.edit", article_id=existing.id))
        form = _article_form(data=services.draft_from_topic(current_user, topic))
        return _render_editor(form, source_topic=topic)
    form = _article_form()
    source_id = _int_or_none(form.source_topic_id.data)
    source_topic = community_queries.get_topic(source_id) if source_id else None
    if form.validate_on_submit():
        try:
            article = services.create_article(
                current_user,
                form.title.data,
                form.body.data,
                form.category_id.data,
                department_id=form.department_id.data or None,
                source_topic_id=source_id,
                publish="publish" in request.form,
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            db.session.commit()
            flash(_("The article is published.") if article.is_published else _("The draft is saved."), "success")
            return redirect(article_url(article))
    return _render_editor(form, source_topic=source_topic, code=422 if form.errors else 200)


@bp.route("/<int:article_id>/edit", methods=["GET", "POST"])
@writers_only
def edit(article_id: int):
    article = _load(article_id)
    form = _article_form(obj=article)
    if request.method == "GET":
        form.base_revision.data = article.revision_count
    if form.validate_on_submit():
        try:
            services.edit_article(
                current_user,
                article,
                form.title.data,
                form.body.data,
                form.category_id.data,
                department_id=form.department_id.data or None,
                base_revision=form.base_revision.data,
                publish="publish" in request.form,
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            db.session.commit()
            flash(
                _("The article is published.") if "publish" in request.form else _("Your changes are saved."), "success"
            )
            return redirect(article_url(article))
    return _render_editor(form, article=article, source_topic=article.source_topic, code=422 if form.errors else 200)


def _action(article_id: int, service, message: str):
    article = _load(article_id)
    return post_action(ActionForm(), lambda: service(current_user, article), message, article_url(article))


@bp.route("/<int:article_id>/publish", methods=["POST"])
@writers_only
def publish(article_id: int):
    return _action(article_id, services.publish_article, _("The article is published."))


@bp.route("/<int:article_id>/unpublish", methods=["POST"])
@writers_only
def unpublish(article_id: int):
    return _action(article_id, services.unpublish_article, _("The article is unpublished: only staff can see it now."))


@bp.route("/<int:article_id>/move", methods=["POST"])
@writers_only
def move(article_id: int):
    article = _load(article_id)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    services.move_article(current_user, article, form.direction.data or "")
    db.session.commit()
    return redirect(url_for("kb.index", _anchor=f"category-{article.category_id}"))


@bp.route("/<int:article_id>/revisions")
@writers_only
def revisions(article_id: int):
    article = _load(article_id)
    return render_template(
        "kb/revisions.html", article=article, revisions=queries.revisions(article), action_form=ActionForm()
    )


@bp.route("/<int:article_id>/revisions/<int:number>")
@writers_only
def revision(article_id: int, number: int):
    article = _load(article_id)
    revision = queries.get_revision(article, number)
    if revision is None:
        abort(404)
    return render_template(
        "kb/revision.html",
        article=article,
        revision=revision,
        action_form=ActionForm(),
        diff=queries.revision_diff(revision, article),
    )


@bp.route("/<int:article_id>/revisions/<int:number>/restore", methods=["POST"])
@writers_only
def restore(article_id: int, number: int):
    article = _load(article_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    revision = services.restore_revision(current_user, article, number)
    db.session.commit()
    flash(_("Revision %(old)d is restored as revision %(new)d.", old=number, new=revision.number), "success")
    return redirect(article_url(article))
