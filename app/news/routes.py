"""News pages: the list, one post, the Atom feed; writing for administrators and the marketing team."""

from flask import Blueprint, abort, current_app, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.common.errors import DomainError
from app.common.pagination import parse_page
from app.common.policy import ADMIN, MARKETING, can, role_required
from app.extensions import db
from app.news import queries, services
from app.news.forms import NewsForm

bp = Blueprint("news", __name__, url_prefix="/news")
PER_PAGE = 10
FEED_SIZE = 20
PINNED_ON_HOME = 3


@bp.app_template_global()
def pinned_news():
    """Pinned news for the community home: one query per request, whatever includes the partial."""
    if "otklik_pinned_news" not in g:
        g.otklik_pinned_news = queries.pinned(PINNED_ON_HOME)
    return g.otklik_pinned_news


@bp.app_template_global()
def news_url(post, **kwargs) -> str:
    return url_for("news.post", post_id=post.id, slug=post.slug, **kwargs)


@bp.route("/")
def index():
    writer = can(current_user, "write_news")
    page = queries.news_list(parse_page(request.args.get("page")), PER_PAGE, with_drafts=writer)
    return render_template("news/index.html", page=page, can_write=writer)


@bp.route("/<int:post_id>")
@bp.route("/<int:post_id>-<slug>")
def post(post_id: int, slug: str | None = None):
    item = queries.get_post(post_id)
    if not can(current_user, "view_news", item):
        abort(404)
    if slug != item.slug:
        return redirect(news_url(item), 301)
    return render_template("news/post.html", post=item, can_write=can(current_user, "write_news"))


@bp.route("/feed.atom")
def feed():
    posts = queries.latest(FEED_SIZE)
    updated = max((p.updated_at for p in posts), default=None)
    body = render_template("news/feed.xml", posts=posts, updated=updated)
    response = make_response(body)
    response.mimetype = "application/atom+xml"
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config.get("NEWS_FEED_MAX_AGE", 300)
    return response


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:post_id>/edit", methods=["GET", "POST"])
@role_required(ADMIN, MARKETING)
def edit(post_id: int | None = None):
    item = queries.get_post(post_id) if post_id is not None else None
    if post_id is not None and item is None:
        abort(404)
    form = NewsForm(obj=item, is_published=item.is_published if item else True)
    if form.validate_on_submit():
        args = (form.title.data, form.body.data, form.is_pinned.data, form.is_published.data)
        try:
            if item is None:
                item = services.create_news(current_user, *args)
            else:
                services.update_news(current_user, item, *args)
        except DomainError as error:
            getattr(form, error.field or "title").errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("The news is published.") if item.is_published else _("The draft is saved."), "success")
            return redirect(news_url(item))
    return render_template("news/form.html", form=form, post=item), 422 if form.errors else 200
