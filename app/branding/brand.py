"""The brand: an immutable snapshot of the "brand" settings, with per-language fallbacks.

`current_brand()` (app.branding) returns it; build it from stored JSON with `Brand.from_value`. Stored JSON is
validated on save (services.validate_brand); here anything missing or malformed falls back to the defaults, so a
hand-edited row can never break a page.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from urllib.parse import urlsplit

from flask import current_app, url_for

from app.branding.colors import HEX_RE

LANGUAGES = ("ru", "uk", "en")
DEFAULT_PRIMARY = "#0b5cad"
DEFAULT_ACCENT = "#a6460f"
_EMPTY: Mapping = MappingProxyType({})


@dataclass(frozen=True)
class Link:
    label: str
    url: str


def _locale() -> str:
    try:
        from flask_babel import get_locale

        locale = get_locale()
        return str(locale) if locale else current_app.config["BABEL_DEFAULT_LOCALE"]
    except (RuntimeError, KeyError):
        return "en"


@dataclass(frozen=True)
class Brand:
    version: int = 0
    # Per language ("ru", "uk", "en"): read them through name_for(lang) ... which fall back to other languages.
    names: Mapping[str, str] = field(default_factory=lambda: _EMPTY)  # the community's name
    descriptions: Mapping[str, str] = field(default_factory=lambda: _EMPTY)  # a short description
    support_hours_text: Mapping[str, str] = field(default_factory=lambda: _EMPTY)  # support working hours
    site_menus: Mapping[str, tuple[Link, ...]] = field(default_factory=lambda: _EMPTY)  # the company's menu, in order
    logo_file: str = ""  # stored upload names ("" = none): see the *_url methods
    favicon_file: str = ""
    touch_icon_file: str = ""
    primary_color: str = DEFAULT_PRIMARY
    accent_color: str = DEFAULT_ACCENT
    privacy_url: str = ""
    terms_url: str = ""
    contacts_url: str = ""
    support_phone: str = ""
    email_sender_name: str = ""
    widget_origins: tuple[str, ...] = field(default=())

    # --- per language (lang=None: the current request's language) ---
    def _pick(self, values: Mapping, lang: str | None, default=""):
        lang = lang or _locale()
        for code in (lang, current_app.config.get("BABEL_DEFAULT_LOCALE", "ru"), "en", "ru", "uk"):
            if values.get(code):
                return values[code]
        return default

    def name_for(self, lang: str | None = None) -> str:
        return self._pick(self.names, lang, current_app.config["COMMUNITY_NAME"])

    def description_for(self, lang: str | None = None) -> str:
        return self._pick(self.descriptions, lang)

    def support_hours_for(self, lang: str | None = None) -> str:
        return self._pick(self.support_hours_text, lang)

    def site_menu_for(self, lang: str | None = None) -> tuple[Link, ...]:
        return self._pick(self.site_menus, lang, ())

    @property
    def name(self) -> str:
        return self.name_for()

    @property
    def description(self) -> str:
        return self.description_for()

    @property
    def site_menu(self) -> tuple[Link, ...]:
        return self.site_menu_for()

    @property
    def support_hours(self) -> str:
        return self.support_hours_for()

    @property
    def sender_name(self) -> str:
        """The display name in e-mails' From header."""
        return self.email_sender_name or self.name_for(current_app.config.get("BABEL_DEFAULT_LOCALE"))

    # --- images ---
    def _asset(self, name: str, external: bool) -> str | None:
        if not name:
            return None
        return url_for("branding.asset", name=name, _external=external)

    def logo_url(self, external: bool = False) -> str | None:
        return self._asset(self.logo_file, external)

    def favicon_url(self, external: bool = False) -> str:
        return self._asset(self.favicon_file, external) or url_for("branding.favicon", _external=external)

    def touch_icon_url(self, external: bool = False) -> str:
        return self._asset(self.touch_icon_file, external) or url_for("branding.touch_icon", _external=external)

    def css_url(self) -> str:
        return url_for("branding.css", v=self.version)

    @property
    def footer_links(self) -> tuple[tuple[str, str], ...]:
        """(kind, url) for the links that are set: kind is privacy, terms or contacts."""
        pairs = (("privacy", self.privacy_url), ("terms", self.terms_url), ("contacts", self.contacts_url))
        return tuple((kind, url) for kind, url in pairs if url)

    @classmethod
    def from_value(cls, version: int, value: dict) -> "Brand":
        def texts(key: str) -> Mapping[str, str]:
            raw = value.get(key) if isinstance(value.get(key), dict) else {}
            return MappingProxyType({k: str(v) for k, v in raw.items() if k in LANGUAGES and v})

        def menus() -> Mapping[str, tuple[Link, ...]]:
            raw = value.get("site_menu") if isinstance(value.get("site_menu"), dict) else {}
            out = {}
            for lang, items in raw.items():
                if lang in LANGUAGES and isinstance(items, list):
                    links = tuple(
                        Link(str(i.get("label", "")), str(i.get("url", "")))
                        for i in items
                        if isinstance(i, dict) and is_link_url(str(i.get("url", "")))
                    )
                    if links:
                        out[lang] = links
            return MappingProxyType(out)

        def text(key: str) -> str:
            return str(value.get(key) or "")

        def colour(key: str, default: str) -> str:
            return text(key).lower() if HEX_RE.match(text(key)) else default

        origins = value.get("widget_origins") if isinstance(value.get("widget_origins"), list) else []
        return cls(
            version=version,
            names=texts("name"),
            descriptions=texts("description"),
            support_hours_text=texts("support_hours"),
            site_menus=menus(),
            logo_file=text("logo_file"),
            favicon_file=text("favicon_file"),
            touch_icon_file=text("touch_icon_file"),
            primary_color=colour("primary_color", DEFAULT_PRIMARY),
            accent_color=colour("accent_color", DEFAULT_ACCENT),
            privacy_url=_safe_url(text("privacy_url")),
            terms_url=_safe_url(text("terms_url")),
            contacts_url=_safe_url(text("contacts_url")),
            support_phone=text("support_phone"),
            email_sender_name=text("email_sender_name"),
            widget_origins=tuple(o for o in map(str, origins) if normalise_origin(o) == o),
        )


def is_link_url(url: str) -> bool:
    """An absolute http(s) URL, a site-relative path, mailto: or tel:."""
    if url.startswith("/") and not url.startswith("//"):
        return True
    parts = urlsplit(url)
    if parts.scheme in ("mailto", "tel"):
        return bool(parts.path)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _safe_url(url: str) -> str:
    return url if url and is_link_url(url) else ""


def normalise_origin(text: str) -> str | None:
    """ "https://www.bank.example" (scheme://host[:port], nothing else) lower-cased, or None if it is not one."""
    text = text.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment or text.endswith(("?", "#")) or "*" in text:
        return None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")
