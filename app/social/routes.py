"""Staff import one public post by hand; the topic page shows where an imported topic came from."""

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from app.common.errors import DomainError
from app.common.permissions import STAFF_ROLES, role_required
from app.community import queries as community_queries
from app.community.models import Topic
from app.extensions import db
from app.social import queries, services
from app.social.forms import ImportForm
from app.social.networks import NETWORK_LABELS, normalise_handle, parse_post_url

bp = Blueprint("social", __name__, url_prefix="/social")


@bp.app_template_global()
def social_source(topic):
    return queries.source_of(topic.id)


@bp.app_template_global()
def social_network_label(network: str) -> str:
    return NETWORK_LABELS.get(network, network)


def _topic_url(topic: Topic) -> str:
    return url_for("community.topic", topic_id=topic.id, slug=topic.slug)


def _default_category_id(categories) -> int | None:
    setting = str(current_app.config.get("SOCIAL_IMPORT_CATEGORY") or "").strip().lower()
    for category in categories:
        if setting and setting in (str(category.id), category.name.lower()):
            return category.id
    return None


@bp.route("/import", methods=["GET", "POST"])
@role_required(*STAFF_ROLES)
def import_post():
    categories = community_queries.categories_with_departments()
    setting = current_app.config.get("SOCIAL_IMPORT_TYPE")
    form = ImportForm(
        category_id=_default_category_id(categories),
        topic_type=setting if setting in services.IMPORT_TYPES else services.IMPORT_TYPES[0],
    )
    form.set_categories(categories)
    if form.validate_on_submit():
        record, created = _import(form)
        if record is not None:
            flash(
                _("The post is imported as a topic.")
                if created
                else _("This post was imported before: here is its topic."),
                "success" if created else "info",
            )
            return redirect(_topic_url(record.topic))
    return render_template("social/import.html", form=form), 422 if form.errors else 200


def _import(form):
    """(the import, whether it is new), or (None, False) with the problem added to the form."""
    ref = parse_post_url(form.url.data)
    if ref is None:
        form.url.errors.append(_("Paste a link to one post on X, VK, Facebook or Telegram."))
        return None, False
    handle = normalise_handle(form.handle.data) or ref.handle
    if not handle:
        form.handle.errors.append(_("Enter the author's handle."))
        return None, False
    if ref.handle and handle != ref.handle:
        form.handle.errors.append(_("The link is to a post by @%(handle)s.", handle=ref.handle))
        return None, False
    post = services.ExternalPost(
        network=ref.network,
        external_id=ref.external_id,
        url=form.url.data.strip(),
        text=form.text.data,
        handle=handle,
        name=form.name.data or "",
        posted_at=form.posted_at.data,
    )
    try:
        record, created = services.import_post(
            current_user, post, form.category_id.data, form.topic_type.data, form.mood.data
        )
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        getattr(form, error.field or "url").errors.append(str(error.message))
        return None, False
    except IntegrityError:  # someone imported the same post (or author) a moment ago
        db.session.rollback()
        record, created = services.find_import(ref.network, ref.external_id), False
        if record is None:
            form.url.errors.append(_("Someone else is importing from this author right now. Please try again."))
    return record, created
