"""Who writes and who sees news (no imports from the rest of the feature, so every module can use it)."""
from app.common.permissions import ADMIN, MARKETING

WRITER_ROLES = frozenset({ADMIN, MARKETING})


def can_write_news(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.role in WRITER_ROLES)


def can_view_news(user, post) -> bool:
    return post.is_published or can_write_news(user)
