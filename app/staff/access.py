"""The staff rules that need the department data (registered in app.common.policy when the module loads;
app.staff.init_app imports it). Ask them with `policy.can(user, action, obj)`.

- members of a topic's department (and admins) work on it ("work_on_topic", in policy);
- leads of the topic's department (and admins) assign it to a member ("assign_topic") or hand it to another
  department ("hand_off_topic");
- leads (and admins) change their department's working hours and targets ("manage_department");
  only admins choose leads ("choose_leads").
"""

from sqlalchemy import select

from app.common import policy
from app.extensions import db
from app.staff.models import department_members


def lead_department_ids(user) -> set[int]:
    user = policy.actor(user)
    if user is None:
        return set()
    return set(
        db.session.scalars(
            select(department_members.c.department_id).where(
                department_members.c.user_id == user.id, department_members.c.is_lead.is_(True)
            )
        )
    )


def leads_of(department_id: int) -> list:
    """The leads of a department (for the overdue digest and the settings page)."""
    from app.auth.models import User

    return list(
        db.session.scalars(
            select(User)
            .join(department_members, department_members.c.user_id == User.id)
            .where(department_members.c.department_id == department_id, department_members.c.is_lead.is_(True))
            .order_by(User.display_name)
        )
    )


def queue_department_ids(user) -> list[int] | None:
    """The departments whose queues the user works: None for admins (all of them)."""
    if policy.is_admin(user):
        return None
    return sorted(policy.department_ids(user))


@policy.rule("assign_topic")
def _assign_topic(user, topic) -> bool:
    """Assign to anyone in the department (leads, admins); members can only take the topic themselves."""
    return policy.is_admin(user) or (policy.is_staff(user) and topic.department_id in lead_department_ids(user))


policy.rule("hand_off_topic")(_assign_topic)


@policy.rule("manage_department")
def _manage_department(user, department) -> bool:
    return policy.is_admin(user) or (policy.is_staff(user) and department.id in lead_department_ids(user))


@policy.rule("choose_leads")
def _choose_leads(user, _department=None) -> bool:
    return policy.is_admin(user)
