"""POST /uploads (JSON, for the editor's paste and drop) and GET /media/<name> (the image, if you may see it)."""

from flask import Blueprint, abort, jsonify, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.common.errors import DomainError
from app.common.ratelimit import rate_limit
from app.extensions import db
from app.media import cli as media_cli
from app.media import services
from app.media.storage import NAME_RE, get_storage

bp = Blueprint("media", __name__)
media_cli.register(bp)

PUBLIC_MAX_AGE = 3600
PRIVATE_MAX_AGE = 300


def _json_error(message, code: int):
    return jsonify(error=str(message)), code


@bp.route("/uploads", methods=["POST"])
@rate_limit("upload", key="user")
def upload():
    """Multipart field "file"; CSRF token in the X-CSRFToken header (checked by CSRFProtect)."""
    if not current_user.is_authenticated:
        return _json_error(_("Log in to upload images."), 401)
    file = request.files.get("file")
    if file is None:
        return _json_error(_("Choose an image to upload."), 400)
    try:
        stored = services.store_image(current_user, file)
    except DomainError as error:
        db.session.rollback()
        response = _json_error(error.message, error.status_code)
        if getattr(error, "retry_after", None):
            response[0].headers["Retry-After"] = str(error.retry_after)
        return response
    db.session.commit()
    url = url_for("media.show", name=stored.name)
    return jsonify(
        url=url,
        markdown=services.image_markdown(file.filename, url),
        width=stored.width,
        height=stored.height,
    ), 201


@bp.route("/media/<name>")
def show(name: str):
    if not NAME_RE.match(name):
        abort(404)
    stored = services.get_upload(name)
    if stored is None or not services.can_view_upload(current_user, stored):
        abort(404)
    storage = get_storage()
    source = storage.local_path(stored.name) or storage.open(stored.name)
    if source is None:
        abort(404)
    public = services.is_public(stored)
    response = send_file(
        source,
        mimetype=stored.content_type,
        as_attachment=False,
        download_name=stored.name,
        conditional=True,
        etag=stored.name,
        last_modified=stored.created_at,
        max_age=PUBLIC_MAX_AGE if public else PRIVATE_MAX_AGE,
    )
    response.cache_control.public = public
    response.cache_control.private = not public
    if not public:
        response.vary.add("Cookie")
    response.headers["X-Content-Type-Options"] = "nosniff"
    # If the image is opened on its own, nothing in it may run or load anything.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
