"""Who may do what in the staff workflow.

- staff (representatives, moderators, admins) see the staff panel on topics and write internal notes;
- members of a topic's department take it, answer it, mark it as waiting for the customer;
- leads of the topic's department (and admins) assign it to a member or hand it to another department;
- leads (and admins) change their department's working hours and targets; only admins choose leads.
"""
from sqlalchemy import select

from app.common.permissions import ADMIN, is_staff
from app.extensions import db
from app.staff.models import Department, department_members


def _authenticated(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_admin(user) -> bool:
    return _authenticated(user) and user.role == ADMIN


def member_department_ids(user) -> set[int]:
    if not _authenticated(user):
        return set()
    return {department.id for department in user.departments}


def lead_department_ids(user) -> set[int]:
    if not _authenticated(user):
        return set()
    return set(db.session.scalars(
        select(department_members.c.department_id)
        .where(department_members.c.user_id == user.id, department_members.c.is_lead.is_(True))
    ))


def leads_of(department_id: int) -> list:
    """The leads of a department (for the overdue digest and the settings page)."""
    from app.auth.models import User
    return list(db.session.scalars(
        select(User).join(department_members, department_members.c.user_id == User.id)
        .where(department_members.c.department_id == department_id, department_members.c.is_lead.is_(True))
        .order_by(User.display_name)
    ))


def is_lead(user, department_id: int) -> bool:
    return department_id in lead_department_ids(user)


def can_use_queues(user) -> bool:
    return is_staff(user) and (is_admin(user) or bool(member_department_ids(user)))


def queue_department_ids(user) -> list[int] | None:
    """The departments whose queues the user works: None for admins (all of them)."""
    if is_admin(user):
        return None
    return sorted(member_department_ids(user))


def can_see_panel(user) -> bool:
    return is_staff(user)


def can_work_on(user, topic) -> bool:
    return is_staff(user) and (is_admin(user) or topic.department_id in member_department_ids(user))


def can_assign(user, topic) -> bool:
    """Assign to anyone in the department (leads, admins); members can only take the topic themselves."""
    return is_admin(user) or (is_staff(user) and is_lead(user, topic.department_id))


def can_hand_off(user, topic) -> bool:
    return can_assign(user, topic)


def can_manage_department(user, department: Department) -> bool:
    return is_admin(user) or (is_staff(user) and is_lead(user, department.id))
