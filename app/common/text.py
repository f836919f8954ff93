"""Checks of user text shared by the services."""

from flask_babel import lazy_gettext as _l

from app.common.errors import DomainError


def clean_text(text: str | None, limit: int, field: str) -> str:
    """`text` stripped; a DomainError on `field` when it is longer than `limit` characters."""
    text = (text or "").strip()
    if len(text) > limit:
        raise DomainError(_l("The text must be at most %(n)d characters long.", n=limit), field=field)
    return text
