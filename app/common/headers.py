"""Security headers on every response (pages, JSON, errors, static files) and the per-request CSP nonce.

Scripts run only from our own origin or with this request's nonce: templates write
`<script nonce="{{ csp_nonce() }}" src="...">` and never inline handlers (`onclick=`...). Styles come from our
stylesheets or a `<style nonce="{{ csp_nonce() }}">` element (brand colours); never `style=` attributes. A view that sends its own Content-Security-Policy (an image, the e-mail
preview) keeps it. Framing: see app/common/framing.py.
"""

import secrets
from urllib.parse import urlsplit

from flask import current_app, g, request

from app.common.framing import frame_ancestors

PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)


def csp_nonce() -> str:
    """This request's nonce (made on first use; the header carries the same value)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def content_security_policy() -> str:
    return policy(current_app.config, csp_nonce(), frame_ancestors())


def policy(config, nonce: str, framers=None) -> str:
    """The Content-Security-Policy for a page with this nonce (the page cache's fast path sends it too)."""
    img_src = config.get("CSP_IMG_SRC") or "'self' data:"
    directives = [
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        f"style-src 'self' 'nonce-{nonce}'",
        f"img-src {img_src}",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors " + (" ".join(framers) if framers else "'self'"),
    ]
    return "; ".join(directives)


def is_https(config, secure_request: bool) -> bool:
    return secure_request or urlsplit(config.get("PUBLIC_URL") or "").scheme == "https"


def page_headers(config, nonce: str, https: bool) -> list[tuple[str, str]]:
    """The security headers of a page that may only be framed by our own origin (every cached page)."""
    headers = [
        ("Content-Security-Policy", policy(config, nonce)),
        ("X-Frame-Options", "SAMEORIGIN"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Permissions-Policy", PERMISSIONS_POLICY),
    ]
    max_age = int(config.get("HSTS_MAX_AGE", 0) or 0)
    if max_age > 0 and https:
        headers.append(("Strict-Transport-Security", f"max-age={max_age}; includeSubDomains"))
    return headers


def add_security_headers(response):
    headers = response.headers
    if "Content-Security-Policy" not in headers:
        headers["Content-Security-Policy"] = content_security_policy()
    if not frame_ancestors():
        headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    headers["X-Content-Type-Options"] = "nosniff"
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    max_age = int(current_app.config.get("HSTS_MAX_AGE", 0) or 0)
    if max_age > 0 and is_https(current_app.config, request.is_secure):
        headers["Strict-Transport-Security"] = f"max-age={max_age}; includeSubDomains"
    return response


def init_app(app) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(add_security_headers)
