"""What an account may do right now, asked by the services that write content (topics, comments, votes,
uploads)."""

from datetime import datetime

from flask import current_app, has_app_context
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

from app.common.db import utcnow
from app.common.errors import Forbidden
from app.common.permissions import CUSTOMER


def must_verify_before_posting(user) -> bool:
    """EMAIL_VERIFICATION=required: customers confirm their address before they post anything public."""
    mode = current_app.config.get("EMAIL_VERIFICATION", "reset-only") if has_app_context() else "off"
    return bool(
        mode == "required"
        and getattr(user, "role", None) == CUSTOMER
        and getattr(user, "email_verified_at", True) is None
    )


def posting_block_active(user, now: datetime | None = None) -> bool:
    """A moderator blocked the person and the block has not ended."""
    if getattr(user, "posting_blocked_at", None) is None:
        return False
    until = user.posting_blocked_until
    return until is None or until > (now or utcnow())


def block_message(user) -> str:
    if user.posting_blocked_until is None:
        return str(
            _l(
                "A moderator blocked your account from posting: %(reason)s. You can still read everything.",
                reason=user.posting_block_reason,
            )
        )
    return str(
        _l(
            "A moderator blocked your account from posting until %(until)s (UTC): %(reason)s. You can still "
            "read everything.",
            until=format_datetime(user.posting_blocked_until, "short"),
            reason=user.posting_block_reason,
        )
    )


def ensure_may_post(user, public: bool = True) -> None:
    """Raise Forbidden with the reason when `user` may not post, comment, vote or upload (`public`: the
    content is visible to everyone, where an unconfirmed address is also refused)."""
    if posting_block_active(user):
        raise Forbidden(block_message(user))
    if public and must_verify_before_posting(user):
        raise Forbidden(
            _l(
                "Please confirm your e-mail address first: follow the link we sent you, "
                "or ask for a new one in your settings."
            )
        )
