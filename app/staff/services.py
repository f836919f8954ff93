"""Staff writes and rules: departments and their settings, assignment, hand-offs, internal notes,
waiting for the customer. Take the actor and plain data, flush, never commit."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from app.common import signals
from app.common.db import utcnow
from app.common.errors import DomainError, Forbidden, NotFound
from app.common.html import render_markdown
from app.common.policy import can
from app.common.sensitive import mask
from app.common.text import clean_text
from app.common.unique import unique_name
from app.community import search_docs as topic_search
from app.extensions import db
from app.staff import hours, sla
from app.staff.models import Assignment, Department, InternalNote, department_members

NOTE_MAX = 10000
HAND_OFF_NOTE_MAX = 1000
MAX_TARGET_HOURS = 2000


def _check_unique_name(name: str, department_id: int | None = None) -> str:
    return unique_name(Department, name, department_id, _l("A department with this name already exists."))


def create_department(name: str, description: str = "") -> Department:
    department = Department(name=_check_unique_name(name), description=(description or "").strip())
    db.session.add(department)
    db.session.flush()
    return department


def update_department(department: Department, name: str, description: str) -> Department:
    department.name = _check_unique_name(name, department.id)
    department.description = (description or "").strip()
    return department


def set_members(department: Department, users: list) -> Department:
    department.members = list(users)
    return department


# --- department settings: working hours, targets, leads ------------------------------------------------


def _parse_days(days) -> str:
    numbers = sorted({int(d) for d in (days or []) if str(d).isdigit() and 1 <= int(d) <= 7})
    if not numbers:
        raise DomainError(_l("Choose at least one working day."), field="working_days")
    return "".join(str(n) for n in numbers)


def _target(value, field: str, required: bool) -> int | None:
    if value in (None, "", 0) and not required:
        return None
    if not isinstance(value, int) or not 1 <= value <= MAX_TARGET_HOURS:
        raise DomainError(_l("Enter a number of working hours from 1 to %(n)d.", n=MAX_TARGET_HOURS), field=field)
    return value


def update_department_hours(
    actor,
    department: Department,
    time_zone: str,
    working_days,
    open_minute: int,
    close_minute: int,
    first_response_hours: int,
    resolution_hours: int | None,
) -> Department:
    """Working hours and targets. Topics already posted keep their due times; new ones use the new calendar."""
    if not can(actor, "manage_department", department):
        raise Forbidden(_l("Only administrators and the department's leads can change its settings."))
    try:
        hours.zone(time_zone or "")
    except hours.CalendarError:
        raise DomainError(_l("Choose one of the listed time zones."), field="time_zone") from None
    days = _parse_days(working_days)
    if not (
        isinstance(open_minute, int)
        and isinstance(close_minute, int)
        and 0 <= open_minute < close_minute <= hours.MINUTES_PER_DAY
    ):
        raise DomainError(_l("The working day must start before it ends."), field="close_minute")
    department.time_zone = time_zone
    department.working_days = days
    department.open_minute = open_minute
    department.close_minute = close_minute
    department.first_response_hours = _target(first_response_hours, "first_response_hours", required=True)
    department.resolution_hours = _target(resolution_hours, "resolution_hours", required=False)
    db.session.flush()
    return department


def set_department_leads(actor, department: Department, user_ids) -> Department:
    """Admins choose which members lead the department."""
    if not can(actor, "choose_leads", department):
        raise Forbidden(_l("Only administrators choose the leads of a department."))
    wanted = {int(i) for i in (user_ids or [])}
    members = {user.id for user in department.members}
    if not wanted <= members:
        raise DomainError(_l("Leads must be members of the department."), field="lead_ids")
    db.session.flush()  # membership rows first, then their flags
    db.session.execute(
        update(department_members)
        .where(department_members.c.department_id == department.id)
        .values(is_lead=department_members.c.user_id.in_(wanted) if wanted else False)
    )
    return department


# --- work on topics ----------------------------------------------------------------------------------


def _check_visible(actor, topic) -> None:
    if not can(actor, "see_staff_panel") or not can(actor, "view_topic", topic):
        raise NotFound(_l("This topic does not exist."))


def _record(actor, topic, from_user_id, to_user_id, from_department_id, to_department_id, note="") -> Assignment:
    entry = Assignment(
        topic_id=topic.id,
        actor_id=actor.id,
        from_user_id=from_user_id,
        to_user_id=to_user_id,
        from_department_id=from_department_id,
        to_department_id=to_department_id,
        note=note,
        created_at=utcnow(),
    )
    db.session.add(entry)
    return entry


def _assignable(user, topic) -> bool:
    return can(user, "answer_officially") and can(user, "work_on_topic", topic)


def assign_topic(actor, topic, assignee, note: str = "") -> Assignment | None:
    """Give the topic to a member of its department (None: nobody). Leads and admins assign anyone;
    a member may take a topic himself. Returns the history row, or None when nothing changed."""
    _check_visible(actor, topic)
    taking = assignee is not None and assignee.id == actor.id
    if not (can(actor, "assign_topic", topic) or (taking and can(actor, "work_on_topic", topic))):
        raise Forbidden(_l("Only administrators and the department's leads assign topics."))
    if assignee is not None and not _assignable(assignee, topic):
        raise DomainError(_l("Choose a representative of the topic's department."), field="assignee_id")
    note = clean_text(note, HAND_OFF_NOTE_MAX, "note")
    work = sla.work_for(topic)
    new_id = assignee.id if assignee is not None else None
    if work.assignee_id == new_id:
        return None
    entry = _record(actor, topic, work.assignee_id, new_id, topic.department_id, topic.department_id, note)
    work.assignee_id = new_id
    db.session.flush()
    return entry


def hand_off_topic(actor, topic, department: Department | None, note: str) -> Assignment:
    """Pass the topic to another department with a note. The assignee is cleared (the new department
    decides); the customer's due times stay: the promise was made when the topic was posted.
    Sends signals.topic_handed_off (app.notify mails the new department's representatives)."""
    _check_visible(actor, topic)
    if not can(actor, "hand_off_topic", topic):
        raise Forbidden(_l("Only administrators and the department's leads hand topics over."))
    if department is None:
        raise DomainError(_l("Choose one of the listed departments."), field="department_id")
    if department.id == topic.department_id:
        raise DomainError(_l("The topic is already with this department."), field="department_id")
    note = clean_text(note, HAND_OFF_NOTE_MAX, "note")
    if not note:
        raise DomainError(_l("Say why the topic goes to another department."), field="note")
    work = sla.work_for(topic)
    from_department = db.session.get(Department, topic.department_id)
    entry = _record(actor, topic, work.assignee_id, None, topic.department_id, department.id, note)
    work.assignee_id = None
    topic.department_id = department.id
    topic.department = department
    topic_search.touch(topic.id)
    db.session.flush()
    # Inside the transaction, like every domain signal: the receiving department's mail commits with the hand-off.
    signals.topic_handed_off.send(
        topic, actor=actor, from_department=from_department, to_department=department, note=note, assignment=entry
    )
    return entry


def add_internal_note(actor, topic, body: str) -> InternalNote:
    _check_visible(actor, topic)
    if not can(actor, "see_staff_panel", topic):
        raise Forbidden(_l("Only staff write internal notes."))
    body = clean_text(body, NOTE_MAX, "body")
    if not body:
        raise DomainError(_l("Write something first."), field="body")
    if not current_app.config.get("KEEP_CARD_NUMBERS_IN_INTERNAL_NOTES"):
        body = mask(body).text  # staff notes keep card numbers and IBANs only where an administrator allows it
    note = InternalNote(topic_id=topic.id, author_id=actor.id, body=body, body_html=render_markdown(body))
    db.session.add(note)
    db.session.flush()
    return note


def set_waiting_for_customer(actor, topic, waiting: bool):
    """Staff asked the customer something: the topic leaves the active queues (and its clock pauses) until
    the customer writes again or staff take it back."""
    _check_visible(actor, topic)
    if not can(actor, "work_on_topic", topic):
        raise Forbidden(_l("Only the department's representatives can do that."))
    work = sla.work_for(topic)
    if waiting and work.resolved_at is not None:
        raise DomainError(_l("This topic is already resolved."))
    if waiting:
        sla.wait_for_customer(work, utcnow())
    elif work.waiting_for_customer:
        sla.resume(work, topic, utcnow())
    db.session.flush()
    return work


def record_move(topic, actor, old_department_id: int | None) -> None:
    """A moderator moved the topic to a category of another department: kept in the history like a hand-off,
    and the assignee is cleared, as after a hand-off (receiver of signals.topic_moved)."""
    if old_department_id is None or old_department_id == topic.department_id:
        return
    work = sla.work_for(topic)
    db.session.add(
        Assignment(
            topic_id=topic.id,
            actor_id=actor.id if actor is not None else None,
            from_user_id=work.assignee_id,
            to_user_id=None,
            from_department_id=old_department_id,
            to_department_id=topic.department_id,
            note="",
            created_at=utcnow(),
        )
    )
    work.assignee_id = None
