"""Saving the brand: validate the submitted values, store uploaded images, write the "brand" setting."""

import re

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.branding import icons, store
from app.branding.brand import LANGUAGES, Brand, is_link_url, normalise_origin
from app.branding.colors import AA_TEXT, HEX_RE, WHITE, contrast_ratio
from app.common.errors import DomainError
from app.extensions import db
from app.media.models import Upload
from app.media.services import new_name, read_limited
from app.media.storage import get_storage

KEY = "brand"
ASSET_KIND = "brand"
MAX_MENU_ITEMS = 12
PHONE_RE = re.compile(r"^\+?[0-9 ()\-]{3,30}$")


def check_colours(primary: str, accent: str) -> None:
    """WCAG AA for text: white text on each colour (buttons, the header bar), the same colour as text on a white
    page (links) - the ratio is symmetric, so one number per colour answers both. Below 4.5:1 is refused."""
    for field, colour, label in (
        ("primary_color", primary, _l("Primary colour")),
        ("accent_color", accent, _l("Accent colour")),
    ):
        if not HEX_RE.match(colour or ""):
            raise DomainError(_l("Enter a colour as #rrggbb."), field=field)
        ratio = contrast_ratio(colour, WHITE)
        if ratio < AA_TEXT:
            raise DomainError(
                _l(
                    "%(label)s %(colour)s has a contrast of %(ratio)s:1 with white (white text on it, and it as text "
                    "on a white page); WCAG AA needs at least 4.5:1. Choose a darker shade.",
                    label=label,
                    colour=colour.lower(),
                    ratio=f"{int(ratio * 100) / 100:.2f}",
                ),
                field=field,
            )


def parse_menu(text: str, field: str) -> list[dict]:
    """ "Label | URL" per line, in order."""
    items = []
    for number, line in enumerate((line.strip() for line in (text or "").splitlines()), start=1):
        if not line:
            continue
        label, sep, url = (part.strip() for part in line.rpartition("|"))
        if not sep or not label or not is_link_url(url) or len(label) > 60 or len(url) > 500:
            raise DomainError(
                _l(
                    'Line %(n)d: write "Label | https://address" (a web address, a path starting '
                    "with /, mailto: or tel:).",
                    n=number,
                ),
                field=field,
            )
        items.append({"label": label, "url": url})
    if len(items) > MAX_MENU_ITEMS:
        raise DomainError(_l("At most %(n)d menu items.", n=MAX_MENU_ITEMS), field=field)
    return items


def parse_origins(text: str) -> list[str]:
    origins = []
    for line in (line.strip() for line in (text or "").replace(",", "\n").splitlines()):
        if not line:
            continue
        origin = normalise_origin(line)
        if origin is None or origin != line.rstrip("/").lower():
            raise DomainError(
                _l(
                    "%(value)s is not an origin: write only scheme://host[:port], for example "
                    "https://www.bank.example (no path, no wildcard).",
                    value=line[:200],
                ),
                field="widget_origins",
            )
        if origin not in origins:
            origins.append(origin)
    return origins


def validate_brand(form: dict, current: dict) -> dict:
    """The JSON to store, from the form's plain values (keys as in forms.BrandingForm.values()). Image names are
    kept from `current`; raise DomainError(field=...) for the first bad value."""
    check_colours(form["primary_color"], form["accent_color"])
    for field in ("privacy_url", "terms_url", "contacts_url"):
        if form[field] and not is_link_url(form[field]):
            raise DomainError(
                _l("Enter a web address (https://...), a path starting with /, mailto: or tel:."), field=field
            )
    if form["support_phone"] and not PHONE_RE.match(form["support_phone"]):
        raise DomainError(
            _l("Enter a phone number: digits, spaces, brackets, dashes and a leading +."), field="support_phone"
        )
    value = {
        "name": {lang: form[f"name_{lang}"].strip() for lang in LANGUAGES if form[f"name_{lang}"].strip()},
        "description": {
            lang: form[f"description_{lang}"].strip() for lang in LANGUAGES if form[f"description_{lang}"].strip()
        },
        "support_hours": {lang: form[f"hours_{lang}"].strip() for lang in LANGUAGES if form[f"hours_{lang}"].strip()},
        "site_menu": {lang: items for lang in LANGUAGES if (items := parse_menu(form[f"menu_{lang}"], f"menu_{lang}"))},
        "primary_color": form["primary_color"].lower(),
        "accent_color": form["accent_color"].lower(),
        "widget_origins": parse_origins(form["widget_origins"]),
    }
    for field in ("privacy_url", "terms_url", "contacts_url", "support_phone", "email_sender_name"):
        value[field] = form[field].strip()
    for field in ("logo_file", "favicon_file", "touch_icon_file"):
        value[field] = current.get(field, "")
    return value


def _store_asset(actor, data: bytes, extension: str, content_type: str, width: int, height: int) -> str:
    upload = Upload(
        name=new_name(extension),
        owner_id=actor.id,
        content_type=content_type,
        width=width,
        height=height,
        size_bytes=len(data),
        attached_kind=ASSET_KIND,
        attached_id=0,
    )
    get_storage().save(upload.name, data)
    db.session.add(upload)
    return upload.name


def _read(file) -> bytes:
    stream = getattr(file, "stream", file)
    return read_limited(stream, current_app.config["UPLOAD_MAX_BYTES"])


def set_logo(actor, value: dict, file) -> None:
    logo = icons.clean_logo(_read(file))
    value["logo_file"] = _store_asset(actor, logo.data, logo.extension, logo.content_type, logo.width, logo.height)


def set_icons(actor, value: dict, file) -> None:
    ico, touch = icons.make_icons(_read(file))
    value["favicon_file"] = _store_asset(actor, ico, "ico", "image/x-icon", 48, 48)
    value["touch_icon_file"] = _store_asset(actor, touch, "png", "image/png", icons.TOUCH_SIZE, icons.TOUCH_SIZE)


def preview_brand(form: dict) -> Brand:
    """The brand as it would look with these values (nothing is stored; uploaded images are not used)."""
    current = store.read(KEY)[1]
    return Brand.from_value(-1, validate_brand(form, current))


def save_brand(actor, form: dict, logo=None, icon=None, remove_logo=False, remove_icon=False) -> int:
    """Validate and save; returns the new version. Images are written before the commit (as app/media does);
    the rows that name them are attached, so `flask media prune` keeps them."""
    value = validate_brand(form, store.read(KEY)[1])
    if remove_logo:
        value["logo_file"] = ""
    if remove_icon:
        value["favicon_file"] = value["touch_icon_file"] = ""
    if logo:
        set_logo(actor, value, logo)
    if icon:
        set_icons(actor, value, icon)
    return store.write(KEY, value, actor)


def save_brand_value(actor, value: dict) -> int:
    """Save already-built brand JSON (the demo loader); colours are still checked."""
    check_colours(value.get("primary_color", ""), value.get("accent_color", ""))
    return store.write(KEY, value, actor)


def get_asset(name: str) -> Upload | None:
    upload = db.session.query(Upload).filter_by(name=name, attached_kind=ASSET_KIND).one_or_none()
    return upload
