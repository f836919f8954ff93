"""Staff pages: the queues at /staff/, department settings, and the actions of the topic's staff panel."""

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.models import User
from app.common.db import utcnow
from app.common.errors import DomainError
from app.common.pagination import parse_page
from app.common.policy import ADMIN, MODERATOR, REPRESENTATIVE, can, role_required
from app.community import kinds
from app.community import queries as community_queries
from app.extensions import db
from app.staff import display, queries, services
from app.staff.forms import AssignForm, DepartmentSettingsForm, HandOffForm, NoteForm, WaitingForm, parse_clock
from app.staff.models import Department

bp = Blueprint("staff", __name__, url_prefix="/staff")
PER_PAGE = 30
QUEUE_LABELS = {
    queries.NEW: _l("New without an answer"),
    queries.MINE: _l("Assigned to me"),
    queries.OVERDUE: _l("Overdue"),
    queries.WAITING: _l("Waiting for the customer"),
    queries.SOLVED: _l("Recently solved"),
}


# The response clock follows what the community announces (topic posted, answered, solved).
@bp.before_request
@role_required(REPRESENTATIVE, MODERATOR, ADMIN)
def guard():
    return None


# --- template helpers: the nav link, the topic panel, the ask form -----------------------------------


@bp.app_template_global("staff_nav_counts")
def nav_counts():
    """Queue counts for the header, once per request; None when the user works no queues."""
    if "staff_nav_counts" not in g:
        g.staff_nav_counts = queries.queue_counts(current_user) if can(current_user, "use_queues") else None
    return g.staff_nav_counts


@bp.app_template_global("staff_topic_panel")
def topic_panel(topic):
    if not can(current_user, "see_staff_panel"):
        return None
    data = queries.topic_panel(topic)
    assign_form = AssignForm(formdata=None)
    can_assign = can(current_user, "assign_topic", topic)
    can_work = can(current_user, "work_on_topic", topic)
    if can_assign:
        assign_form.set_representatives(queries.department_representatives(topic.department_id))
        assign_form.assignee_id.data = data.work.assignee_id if data.work else 0
    hand_off_form = HandOffForm(formdata=None)
    if can(current_user, "hand_off_topic", topic):
        hand_off_form.set_departments(queries.departments(), topic.department_id)
    return {
        "work": data.work,
        "history": data.history,
        "notes": data.notes,
        "deadlines": display.deadlines(data.work, topic.department),
        "took": display.took(data.work, topic, topic.department),
        "can_assign": can_assign,
        "can_work": can_work,
        "can_take": can_work and not can_assign and (data.work is None or data.work.assignee_id != current_user.id),
        "can_hand_off": can(current_user, "hand_off_topic", topic),
        "assign_form": assign_form,
        "hand_off_form": hand_off_form,
        "note_form": NoteForm(formdata=None),
        "action_form": WaitingForm(formdata=None),
        "calendar_text": display.hours_text(topic.department),
    }


@bp.app_template_global("staff_ask_expectations")
def ask_expectations(categories) -> dict:
    """For the ask form: per category id, when its department answers (computed once per department)."""
    per_department: dict[int, str] = {}
    by_category: dict[str, str] = {}
    for category in categories:
        department = category.department
        if department.id not in per_department:
            per_department[department.id] = display.ask_expectation(department)["text"]
        by_category[str(category.id)] = per_department[department.id]
    return {"by_category": by_category, "first": next(iter(by_category.values()), "")}


# --- queues ------------------------------------------------------------------------------------------


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else None


@bp.route("/")
def queues():
    if not can(current_user, "use_queues"):
        abort(404)
    queue = request.args.get("queue") if request.args.get("queue") in queries.QUEUES else queries.NEW
    departments = queries.queue_departments(current_user)
    department_id = _int_arg("department")
    if department_id is not None and department_id not in {d.id for d in departments}:
        department_id = None
    channel = request.args.get("channel") if request.args.get("channel") in kinds.CHANNELS else None
    now = utcnow()
    page = queries.queue_page(
        current_user,
        queue,
        parse_page(request.args.get("page")),
        PER_PAGE,
        department_id=department_id,
        now=now,
        channel=channel,
    )
    rows = [(work, display.deadlines(work, work.topic.department, now)) for work in page.items]
    return render_template(
        "staff/queues.html",
        queue=queue,
        page=page,
        rows=rows,
        now=now,
        counts=queries.queue_counts(current_user, department_id, now, channel),
        queue_labels=QUEUE_LABELS,
        departments=departments,
        department_id=department_id,
        channel=channel,
        manageable={d.id for d in departments if can(current_user, "manage_department", d)},
        hours_text=display.hours_text,
    )


# --- department settings -----------------------------------------------------------------------------


@bp.route("/departments/<int:department_id>/settings", methods=["GET", "POST"])
def department_settings(department_id: int):
    department = db.session.get(Department, department_id)
    if department is None or not can(current_user, "manage_department", department):
        abort(404)
    members = queries.department_members_with_lead_flag(department.id)
    form = DepartmentSettingsForm(obj=None if request.method == "POST" else department)
    form.set_choices([user for user, _is_lead in members])
    if request.method == "GET":
        form.working_days.data = sorted(department.day_numbers)
        form.open_time.data = display.clock(department.open_minute)
        form.close_time.data = display.clock(department.close_minute)
        form.lead_ids.data = [user.id for user, is_lead in members if is_lead]
    is_admin = can(current_user, "choose_leads")
    if form.validate_on_submit():
        try:
            services.update_department_hours(
                current_user,
                department,
                form.time_zone.data,
                form.working_days.data,
                parse_clock(form.open_time.data),
                parse_clock(form.close_time.data),
                form.first_response_hours.data,
                form.resolution_hours.data,
            )
            if is_admin:
                services.set_department_leads(current_user, department, form.lead_ids.data)
        except DomainError as error:
            getattr(form, error.field or "time_zone").errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("Settings of %(department)s saved.", department=department.name), "success")
            return redirect(url_for("staff.department_settings", department_id=department.id))
    return render_template(
        "staff/department_settings.html",
        form=form,
        department=department,
        members=members,
        is_admin=is_admin,
        hours_text=display.hours_text(department),
    ), 422 if form.errors else 200


# --- actions on a topic ------------------------------------------------------------------------------


def _topic(topic_id: int):
    topic = community_queries.get_topic(topic_id)
    if topic is None or topic.is_deleted:
        abort(404)
    return topic


def _back(topic):
    return redirect(url_for("community.topic", topic_id=topic.id, slug=topic.slug, _anchor="staff-panel"))


def _form_error(topic, form, title: str):
    """Bad input: the form again with its errors (422), on a page of its own."""
    return render_template("staff/topic_action.html", topic=topic, form=form, title=title), 422


def _apply(form, error: DomainError, default_field: str) -> None:
    getattr(form, error.field or default_field, getattr(form, default_field)).errors.append(str(error.message))


@bp.route("/t/<int:topic_id>/assign", methods=["POST"])
def assign(topic_id: int):
    topic = _topic(topic_id)
    form = AssignForm()
    form.set_representatives(queries.department_representatives(topic.department_id))
    if form.validate_on_submit():
        assignee = db.session.get(User, form.assignee_id.data) if form.assignee_id.data else None
        try:
            entry = services.assign_topic(current_user, topic, assignee, form.note.data)
        except DomainError as error:
            if error.status_code != 400:
                raise
            _apply(form, error, "assignee_id")
        else:
            db.session.commit()
            if entry is not None:
                flash(
                    _("Assigned to %(name)s.", name=assignee.display_name)
                    if assignee
                    else _("Nobody is assigned now."),
                    "success",
                )
            return _back(topic)
    return _form_error(topic, form, _("Assign the topic"))


@bp.route("/t/<int:topic_id>/take", methods=["POST"])
def take(topic_id: int):
    topic = _topic(topic_id)
    form = WaitingForm()
    if not form.validate_on_submit():
        abort(400)
    services.assign_topic(current_user, topic, current_user)
    db.session.commit()
    flash(_("The topic is yours now."), "success")
    return _back(topic)


@bp.route("/t/<int:topic_id>/hand-off", methods=["POST"])
def hand_off(topic_id: int):
    topic = _topic(topic_id)
    if not can(current_user, "hand_off_topic", topic):
        abort(403)
    form = HandOffForm()
    form.set_departments(queries.departments(), topic.department_id)
    if form.validate_on_submit():
        department = db.session.get(Department, form.department_id.data)
        try:
            services.hand_off_topic(current_user, topic, department, form.note.data)
        except DomainError as error:
            if error.status_code != 400:
                raise
            _apply(form, error, "note")
        else:
            db.session.commit()
            flash(_("The topic is now with %(department)s.", department=department.name), "success")
            return _back(topic)
    return _form_error(topic, form, _("Hand the topic to another department"))


@bp.route("/t/<int:topic_id>/notes", methods=["POST"])
def note(topic_id: int):
    topic = _topic(topic_id)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            services.add_internal_note(current_user, topic, form.body.data)
        except DomainError as error:
            if error.status_code != 400:
                raise
            _apply(form, error, "body")
        else:
            db.session.commit()
            flash(_("Internal note added."), "success")
            return _back(topic)
    return _form_error(topic, form, _("Internal note"))


@bp.route("/t/<int:topic_id>/waiting", methods=["POST"])
def waiting(topic_id: int):
    topic = _topic(topic_id)
    form = WaitingForm()
    if not form.validate_on_submit() or form.waiting.data not in ("0", "1"):
        abort(400)
    services.set_waiting_for_customer(current_user, topic, form.waiting.data == "1")
    db.session.commit()
    flash(
        _("Waiting for the customer: the topic is back when they answer.")
        if form.waiting.data == "1"
        else _("The topic is back in the queue."),
        "success",
    )
    return _back(topic)
