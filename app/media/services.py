"""Image uploads: store a cleaned copy, attach it to the content that shows it, decide who may fetch it."""

import re
import secrets
from collections.abc import Callable
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.auth.models import User
from app.auth.rules import ensure_may_post
from app.common.db import utcnow
from app.common.errors import DomainError
from app.common.locks import lock_row
from app.common.policy import is_staff
from app.extensions import db
from app.media.images import Limits, clean_image
from app.media.models import Upload
from app.media.storage import get_storage

# A reference to an upload in saved Markdown or HTML: /media/<32 hex>.<ext> (relative or absolute URL).
MEDIA_REF_RE = re.compile(r"/media/([0-9a-f]{32}\.(?:jpg|png|gif|webp))\b")

# kind -> callable(user, attached_id) -> bool: may `user` (None or anonymous for visitors) see that content?
AccessGuard = Callable[[object, int], bool]
_GUARDS: dict[str, AccessGuard] = {}


class TooManyUploads(DomainError):
    status_code = 429
    code = "too_many_uploads"

    def __init__(self, message, retry_after: int = 3600):
        super().__init__(message)
        self.retry_after = retry_after


def register_guard(kind: str, guard: AccessGuard) -> None:
    """Content that shows images registers who may see it; images follow the content's visibility."""
    _GUARDS[kind] = guard


def new_name(extension: str) -> str:
    return f"{secrets.token_hex(16)}.{extension}"


def limits() -> Limits:
    config = current_app.config
    return Limits(
        max_bytes=config["UPLOAD_MAX_BYTES"],
        max_pixels=config["UPLOAD_MAX_PIXELS"],
        max_animation_pixels=config["UPLOAD_MAX_ANIMATION_PIXELS"],
    )


def read_limited(stream, max_bytes: int) -> bytes:
    """Read at most max_bytes + 1 bytes, so an oversized upload is refused without reading all of it."""
    return stream.read(max_bytes + 1)


def store_image(owner, file_storage) -> Upload:
    """Validate, re-encode and store an uploaded image (a werkzeug FileStorage or any object with .stream or
    .read()). The client's file name and content type are ignored; the stored name is generated here.

    The file is written before the transaction commits (a row must never point at a missing file); if the
    transaction rolls back, the orphaned file is removed by `flask media prune`.
    """
    if owner is None or not getattr(owner, "is_authenticated", False):
        raise DomainError(_l("Log in to upload images."))
    ensure_may_post(owner, public=False)  # a blocked account uploads nothing
    config = current_app.config
    hourly = config.get("UPLOAD_HOURLY_LIMIT", 0)
    if hourly:
        _check_hourly_limit(owner, hourly)
    stream = getattr(file_storage, "stream", file_storage)
    data = read_limited(stream, config["UPLOAD_MAX_BYTES"])
    image = clean_image(data, limits())
    upload = Upload(
        name=new_name(image.extension),
        owner_id=owner.id,
        content_type=image.content_type,
        width=image.width,
        height=image.height,
        size_bytes=len(image.data),
    )
    get_storage().save(upload.name, image.data)
    db.session.add(upload)
    db.session.flush()
    return upload


def _check_hourly_limit(owner, hourly: int) -> None:
    """Count and insert atomically: the owner's row stays locked until the request's transaction ends, so racing
    uploads of one user are counted one after another (app/common/locks.py)."""
    lock_row(User, owner.id)
    since = utcnow() - timedelta(hours=1)
    recent, oldest = db.session.execute(
        select(func.count(), func.min(Upload.created_at)).where(Upload.owner_id == owner.id, Upload.created_at >= since)
    ).one()
    if recent >= hourly:
        retry_after = max(1, int((oldest - since).total_seconds()) + 1) if oldest else 3600
        raise TooManyUploads(_l("You have uploaded many images in the last hour. Please try again later."), retry_after)


def alt_text(filename: str | None) -> str:
    """Alt text from the client's file name: letters, digits and spaces only (it lands in Markdown)."""
    stem = (filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0]
    words = re.sub(r"[\W_]+", " ", stem).split()
    return " ".join(words)[:80].strip() or "image"


def image_markdown(filename: str | None, url: str) -> str:
    return f"![{alt_text(filename)}]({url})"


def referenced_names(text: str) -> list[str]:
    return list(dict.fromkeys(MEDIA_REF_RE.findall(text or "")))


def attach_images(owner, text: str, kind: str, attached_id: int) -> list[Upload]:
    """Attach the owner's not yet attached uploads referenced in `text` (saved Markdown) to kind/attached_id.

    Uploads of other users, and uploads already attached elsewhere, are left alone: quoting someone's image
    does not move it, and it stays visible to whoever may see the content it was first posted with.
    """
    names = referenced_names(text)
    if not names or owner is None:
        return []
    uploads = list(
        db.session.scalars(
            select(Upload).where(Upload.name.in_(names), Upload.owner_id == owner.id, Upload.attached_kind.is_(None))
        )
    )
    now = utcnow()
    for upload in uploads:
        upload.attached_kind = kind
        upload.attached_id = attached_id
        upload.attached_at = now
    if uploads:
        db.session.flush()
    return uploads


def get_upload(name: str) -> Upload | None:
    return db.session.scalar(select(Upload).where(Upload.name == name))


def can_view_upload(user, upload: Upload) -> bool:
    """Owner and staff always; others only through the guard of the content the image is attached to."""
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    if authenticated and (user.id == upload.owner_id or is_staff(user)):
        return True
    if not upload.is_attached:
        return False
    guard = _GUARDS.get(upload.attached_kind)
    return bool(guard is not None and guard(user if authenticated else None, upload.attached_id))


def is_public(upload: Upload) -> bool:
    """May an anonymous visitor see it (then shared caches may keep it)?"""
    return can_view_upload(None, upload)


def delete_unattached(cutoff) -> list[str]:
    """Delete the rows of uploads never attached to content (abandoned drafts) created before `cutoff`.
    Returns their names: the caller removes the files after commit."""
    stale = list(db.session.scalars(select(Upload).where(Upload.attached_kind.is_(None), Upload.created_at < cutoff)))
    for upload in stale:
        db.session.delete(upload)
    db.session.flush()
    return [upload.name for upload in stale]


def orphan_files(cutoff) -> list[str]:
    """Stored files older than `cutoff` that no row names (left by rolled-back transactions)."""
    orphans = []
    batch: list[str] = []

    def flush_batch():
        known = set(db.session.scalars(select(Upload.name).where(Upload.name.in_(batch))))
        orphans.extend(name for name in batch if name not in known)
        batch.clear()

    for name in get_storage().names(older_than=cutoff):
        batch.append(name)
        if len(batch) >= 500:
            flush_batch()
    if batch:
        flush_batch()
    return orphans
