"""Kept importable for code written before app.common.policy: the roles, is_staff and role_required.
New code asks `app.common.policy.can(user, action, obj)`."""

from app.common.policy import (  # noqa: F401  (re-exports)
    ADMIN,
    CUSTOMER,
    MARKETING,
    MODERATOR,
    REPRESENTATIVE,
    ROLES,
    STAFF_ROLES,
    can,
    is_staff,
    role_required,
)
