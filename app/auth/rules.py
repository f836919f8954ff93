"""What an account may do right now, asked by the services that write public content."""
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

from app.common.errors import Forbidden
from app.common.permissions import CUSTOMER


def must_verify_before_posting(user) -> bool:
    """EMAIL_VERIFICATION=required: customers confirm their address before they post anything public."""
    mode = current_app.config.get("EMAIL_VERIFICATION", "reset-only") if has_app_context() else "off"
    return bool(mode == "required" and getattr(user, "role", None) == CUSTOMER
                and getattr(user, "email_verified_at", True) is None)


def ensure_may_post(user) -> None:
    """Raise Forbidden with the reason when `user` may not post, comment or vote."""
    if must_verify_before_posting(user):
        raise Forbidden(_l("Please confirm your e-mail address first: follow the link we sent you, "
                           "or ask for a new one in your settings."))
