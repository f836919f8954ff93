"""Reads of the staff workflow: the five queues and their counts, a topic's staff panel data, departments.

A queue page loads its rows in a fixed number of statements (count, page with topic, author, category,
department and assignee joined), and the counts of all five queues come from one statement.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import and_, case, false, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from app.auth.models import User
from app.common.db import utcnow
from app.common.policy import ADMIN, REPRESENTATIVE
from app.community.models import Topic
from app.extensions import db
from app.staff import access
from app.staff.models import Assignment, Department, InternalNote, TopicWork, department_members

NEW, MINE, OVERDUE, WAITING, SOLVED = "new", "mine", "overdue", "waiting", "solved"
QUEUES = (NEW, MINE, OVERDUE, WAITING, SOLVED)
RECENTLY_SOLVED = timedelta(days=7)


def _open():
    return TopicWork.resolved_at.is_(None)


def _active():
    """The ball is in our court: not resolved, not waiting for the customer."""
    return and_(_open(), TopicWork.waiting_for_customer.is_(False))


def overdue_clause(now: datetime):
    return and_(
        _active(),
        or_(
            and_(TopicWork.first_response_at.is_(None), TopicWork.first_response_due_at <= now),
            TopicWork.resolution_due_at <= now,
        ),
    )


def queue_clause(queue: str, user, now: datetime):
    if queue == NEW:
        return and_(_active(), TopicWork.first_response_at.is_(None))
    if queue == MINE:
        return and_(_active(), TopicWork.assignee_id == user.id)
    if queue == OVERDUE:
        return overdue_clause(now)
    if queue == WAITING:
        return and_(_open(), TopicWork.waiting_for_customer.is_(True))
    if queue == SOLVED:
        return TopicWork.resolved_at >= now - RECENTLY_SOLVED
    raise ValueError(queue)


def _scope(user, department_id: int | None, channel: str | None = None):
    """Work on topics of the user's departments (admins: all), optionally one of them, not deleted.

    An EXISTS on the topic rather than a join: the database then walks the few open TopicWork rows (index on
    resolved_at) and looks each topic up by its key, instead of walking every topic of the department (which
    SQLite without ANALYZE statistics chooses for a join: 3x slower at 100,000 topics)."""
    conditions = [Topic.id == TopicWork.topic_id, Topic.is_deleted == false()]
    department_ids = access.queue_department_ids(user)
    if department_ids is not None:
        conditions.append(Topic.department_id.in_(department_ids) if department_ids else false())
    if department_id is not None:
        conditions.append(Topic.department_id == department_id)
    if channel is not None:
        conditions.append(Topic.channel == channel)
    return select(Topic.id).where(*conditions).exists()


def queue_counts(
    user, department_id: int | None = None, now: datetime | None = None, channel: str | None = None
) -> dict[str, int]:
    now = now or utcnow()
    columns = [func.coalesce(func.sum(case((queue_clause(q, user, now), 1), else_=0)), 0).label(q) for q in QUEUES]
    row = db.session.execute(
        select(*columns)
        .select_from(TopicWork)
        # Only open and recently solved work can count: the rest of the history stays out of the scan.
        .where(_scope(user, department_id, channel), or_(_open(), TopicWork.resolved_at >= now - RECENTLY_SOLVED))
    ).one()
    return {queue: int(row._mapping[queue] or 0) for queue in QUEUES}


def queue_page(
    user,
    queue: str,
    page: int,
    per_page: int,
    department_id: int | None = None,
    now: datetime | None = None,
    channel: str | None = None,
) -> Pagination:
    now = now or utcnow()
    # (waiting_since, topic_id) is the tail of the index on (resolved_at, waiting_since): open work comes sorted.
    order = ((TopicWork.resolved_at.desc(),) if queue == SOLVED else (TopicWork.waiting_since.asc(),)) + (
        TopicWork.topic_id,
    )
    stmt = (
        select(TopicWork)
        .where(_scope(user, department_id, channel), queue_clause(queue, user, now))
        .options(
            joinedload(TopicWork.topic).joinedload(Topic.author),
            joinedload(TopicWork.topic).joinedload(Topic.category),
            joinedload(TopicWork.topic).joinedload(Topic.department),
            joinedload(TopicWork.assignee),
        )
        .order_by(*order)
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def queue_departments(user) -> list[Department]:
    department_ids = access.queue_department_ids(user)
    stmt = select(Department).order_by(Department.name)
    if department_ids is not None:
        stmt = stmt.where(Department.id.in_(department_ids) if department_ids else false())
    return list(db.session.scalars(stmt))


def departments() -> list[Department]:
    return list(db.session.scalars(select(Department).order_by(Department.name)))


def department_representatives(department_id: int) -> list[User]:
    """Members who can be assigned topics of the department."""
    return list(
        db.session.scalars(
            select(User)
            .join(department_members, department_members.c.user_id == User.id)
            .where(
                department_members.c.department_id == department_id,
                User.role.in_((REPRESENTATIVE, ADMIN)),
                User.is_blocked == false(),
            )
            .order_by(User.display_name)
        )
    )


def department_members_with_lead_flag(department_id: int) -> list[tuple[User, bool]]:
    return [
        (user, bool(is_lead))
        for user, is_lead in db.session.execute(
            select(User, department_members.c.is_lead)
            .join(department_members, department_members.c.user_id == User.id)
            .where(department_members.c.department_id == department_id)
            .order_by(User.display_name)
        )
    ]


def overdue_topics(department_id: int, now: datetime | None = None) -> list[TopicWork]:
    """Overdue work of one department (for a lead's digest), longest waiting first."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(TopicWork)
            .join(TopicWork.topic)
            .where(Topic.is_deleted == false(), Topic.department_id == department_id, overdue_clause(now))
            .options(contains_eager(TopicWork.topic), joinedload(TopicWork.assignee))
            .order_by(TopicWork.waiting_since, TopicWork.topic_id)
        )
    )


@dataclass
class TopicPanel:
    work: TopicWork | None
    history: list[Assignment]
    notes: list[InternalNote]


def topic_panel(topic: Topic) -> TopicPanel:
    work = db.session.scalar(
        select(TopicWork).where(TopicWork.topic_id == topic.id).options(joinedload(TopicWork.assignee))
    )
    history = list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.topic_id == topic.id)
            .options(
                *(
                    joinedload(getattr(Assignment, name))
                    for name in ("actor", "from_user", "to_user", "from_department", "to_department")
                )
            )
            .order_by(Assignment.id)
        )
    )
    notes = list(
        db.session.scalars(
            select(InternalNote)
            .where(InternalNote.topic_id == topic.id)
            .options(joinedload(InternalNote.author))
            .order_by(InternalNote.id)
        )
    )
    return TopicPanel(work=work, history=history, notes=notes)
