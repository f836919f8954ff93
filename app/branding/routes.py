"""/admin/branding (the form, with a preview), the generated brand stylesheet, brand images, /favicon.ico and
/apple-touch-icon.png."""

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.branding import current_brand, services, store
from app.branding.colors import HEX_RE, darker
from app.common.errors import DomainError
from app.common.permissions import ADMIN, role_required
from app.extensions import db
from app.media.storage import NAME_RE, get_storage

bp = Blueprint("branding", __name__)

YEAR = 365 * 24 * 3600
DAY = 24 * 3600


@bp.route("/admin/branding", methods=["GET", "POST"])
@role_required(ADMIN)
def edit():
    from app.branding.forms import BrandingForm

    form = BrandingForm()
    preview = None
    if request.method == "GET":
        form.fill(store.read(services.KEY)[1] or _defaults())
    elif form.validate_on_submit():
        try:
            if form.preview.data:
                preview = services.preview_brand(form.values())
            else:
                services.save_brand(
                    current_user,
                    form.values(),
                    logo=form.logo.data,
                    icon=form.icon.data,
                    remove_logo=form.remove_logo.data,
                    remove_icon=form.remove_icon.data,
                )
        except DomainError as error:
            db.session.rollback()
            field = getattr(form, error.field or "", None) or form.primary_color
            field.errors = [*field.errors, str(error.message)]
        else:
            if preview is None:
                db.session.commit()
                flash(_("The brand is saved. Every page shows it now."), "success")
                return redirect(url_for("branding.edit"))
    code = 422 if form.errors else 200
    return render_template("branding/edit.html", form=form, preview=preview, brand=current_brand()), code


def _defaults() -> dict:
    brand = current_brand()
    return {"primary_color": brand.primary_color, "accent_color": brand.accent_color}


def _css(selector: str, primary: str, accent: str) -> Response:
    body = render_template(
        "branding/brand.css", selector=selector, primary=primary, accent=accent, primary_dark=darker(primary)
    )
    return Response(body, mimetype="text/css")


@bp.route("/brand.css")
def css():
    """The brand's colours as CSS custom properties. The URL carries the brand's version (?v=), so it is cached
    for a year and a new version is a new URL: no inline style is needed under a strict CSP."""
    brand = current_brand()
    response = _css(":root", brand.primary_color, brand.accent_color)
    if request.args.get("v") == str(brand.version):
        response.cache_control.public = True
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
    else:
        response.cache_control.no_cache = True
    return response


@bp.route("/admin/branding/preview.css")
@role_required(ADMIN)
def preview_css():
    """Colours for the preview pane only (scoped to .brand-preview)."""
    primary, accent = request.args.get("primary", ""), request.args.get("accent", "")
    if not HEX_RE.match(primary) or not HEX_RE.match(accent):
        abort(400)
    response = _css(".brand-preview", primary.lower(), accent.lower())
    response.cache_control.private = True
    response.cache_control.max_age = 300
    return response


def _send(name: str, mimetype: str, max_age: int, immutable: bool):
    storage = get_storage()
    source = storage.local_path(name) or storage.open(name)
    if source is None:
        return None
    response = send_file(source, mimetype=mimetype, conditional=True, etag=name, max_age=max_age)
    response.cache_control.public = True
    response.cache_control.immutable = immutable or None
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/brand/<name>")
def asset(name: str):
    """A brand image under its generated name: it never changes, so it is cached for a year."""
    upload = services.get_asset(name) if NAME_RE.match(name) else None
    response = _send(name, upload.content_type, YEAR, True) if upload else None
    if response is None:
        abort(404)
    return response


def _icon(name: str, default: str, mimetype: str):
    response = _send(name, mimetype, DAY, False) if name else None
    if response is None:
        response = current_app.send_static_file(default)
        response.cache_control.public = True
        response.cache_control.max_age = DAY
    return response


@bp.route("/favicon.ico")
def favicon():
    return _icon(current_brand().favicon_file, "img/favicon.ico", "image/x-icon")


@bp.route("/apple-touch-icon-precomposed.png", endpoint="touch_icon_precomposed")
@bp.route("/apple-touch-icon.png")
def touch_icon():
    return _icon(current_brand().touch_icon_file, "img/apple-touch-icon.png", "image/png")
