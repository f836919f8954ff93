"""Which sites may frame the "Ask us!" panel: one function, read by the routes, the CSP and the panel's script."""

from urllib.parse import urlsplit

from flask import current_app


def normalise_origin(value) -> str | None:
    """ "https://Bank.example/" -> "https://bank.example"; anything that is not an http(s) origin -> None."""
    if not isinstance(value, str) or len(value) > 300:
        return None
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    default_port = {"http": 80, "https": 443}[parts.scheme]
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default_port else "")


def parse_origins(text) -> tuple[str, ...]:
    """The origins listed in a comma- or whitespace-separated text, normalised, without duplicates."""
    found = []
    for item in (text or "").replace(",", " ").split():
        origin = normalise_origin(item)
        if origin and origin not in found:
            found.append(origin)
    return tuple(found)


def allowed_origins() -> tuple[str, ...]:
    """The origins that may embed the widget (CSP frame-ancestors of the widget's pages, postMessage checks):
    those an admin lists in the brand settings, plus WIDGET_ORIGINS from the environment."""
    from app.branding import current_brand

    listed = " ".join((*current_brand().widget_origins, current_app.config.get("WIDGET_ORIGINS", "")))
    return parse_origins(listed)


def is_allowed_origin(value) -> bool:
    origin = normalise_origin(value)
    return origin is not None and origin in allowed_origins()
