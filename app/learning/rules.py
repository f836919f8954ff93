"""Who manages phrasings: staff (representatives, moderators, administrators)."""

from app.common.policy import is_staff, rule


@rule("manage_phrasings")
def _manage_phrasings(user, _obj=None) -> bool:
    return is_staff(user)
