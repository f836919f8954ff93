"""Roles and the decorators that guard views."""
from functools import wraps

from flask import abort, current_app
from flask_login import current_user

CUSTOMER = "customer"
REPRESENTATIVE = "representative"
MODERATOR = "moderator"
ADMIN = "admin"
MARKETING = "marketing"  # writes news; not staff (sees topics as a customer does)
ROLES = (CUSTOMER, REPRESENTATIVE, MODERATOR, ADMIN, MARKETING)
STAFF_ROLES = frozenset({REPRESENTATIVE, MODERATOR, ADMIN})


def is_staff(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.role in STAFF_ROLES)


def role_required(*roles):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if current_user.role not in roles:
                abort(404)
            return view(*args, **kwargs)
        return wrapped
    return decorator
