"""Who may frame a page: `frame-ancestors 'self'` everywhere, except on views that name their framers.

A view (the "Ask us!" widget panel, the VK and Facebook apps) calls `allow_framing_by(origins)`; the response's
Content-Security-Policy then lists exactly those origins in `frame-ancestors`, and no X-Frame-Options is sent.
"""

from flask import g


def allow_framing_by(origins) -> None:
    g.frame_ancestors = tuple(origins)


def frame_ancestors() -> tuple[str, ...] | None:
    """The origins this response may be framed by, or None for the default ('self' only)."""
    return g.get("frame_ancestors")
