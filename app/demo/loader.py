"""Builds the demo community through the real services; running it twice changes nothing."""

import random
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from app.admin import services as admin_services
from app.auth import services as auth_services
from app.auth.models import User
from app.common.db import utcnow
from app.community import services as community_services
from app.community.models import Category, Topic
from app.demo import analytics as demo_analytics
from app.demo import brand as demo_brand
from app.demo import files, kb_loader
from app.extensions import db
from app.staff import access as staff_access
from app.staff import services as staff_services
from app.staff import sla
from app.staff.models import DEFAULT_TIME_ZONE, Department

DEMO_PASSWORD = "demo-password"
# Working hours (Moscow time) and the first-answer target of each demo department; rep.private leads Private clients.
DEPARTMENT_HOURS = {
    "private": ("12345", 9 * 60, 18 * 60, 6, 40),
    "business": ("12345", 9 * 60, 19 * 60, 4, 24),
    "invest": ("12345", 10 * 60, 19 * 60, 8, 40),
    "marketing": ("1234567", 10 * 60, 20 * 60, 8, None),
}
LEADS = {"private": "rep_private"}


def _department(name: str, description: str) -> Department:
    existing = db.session.scalar(select(Department).where(Department.name == name))
    return existing or staff_services.create_department(name, description)


def _user(email: str, name: str, role: str, can_login: bool) -> User:
    user = auth_services.get_user_by_email(email)
    if user is None and can_login:
        user = auth_services.register_user(email, DEMO_PASSWORD, name, role=role)
    elif user is None:
        user = auth_services.create_user_without_password(email, name, role=role)
    return user


def _category(name: str, department: Department, description: str, position: int) -> Category:
    existing = db.session.scalar(select(Category).where(Category.name == name))
    return existing or admin_services.create_category(name, department.id, description, position)


def _working_hours(key: str, department: Department, admin: User, lead: User | None) -> None:
    """Only departments still on the defaults: an administrator's own settings survive another `flask demo`."""
    if department.time_zone == DEFAULT_TIME_ZONE and key in DEPARTMENT_HOURS:
        days, start, end, first_response, resolution = DEPARTMENT_HOURS[key]
        staff_services.update_department_hours(
            admin, department, "Europe/Moscow", days, start, end, first_response, resolution
        )
    if lead is not None and not staff_access.leads_of(department.id):
        staff_services.set_department_leads(admin, department, [lead.id])


def _staff_work(topics: list, users: dict, private: Department) -> None:
    """Some work in progress for the queues: Private clients' answered, unsolved topics are assigned to
    rep.private by the administrator, the latest of them waits for the customer and carries an internal note."""
    open_answered = [
        t
        for t in topics
        if t.department_id == private.id and t.has_official_answer and sla.work_for(t).resolved_at is None
    ]
    for topic in open_answered:
        staff_services.assign_topic(users["admin"], topic, users["rep_private"], "Ольга, это ваша тема.")
    if open_answered:
        staff_services.set_waiting_for_customer(users["rep_private"], open_answered[-1], True)
        staff_services.add_internal_note(
            users["rep_private"], open_answered[-1], "Попросили у клиента номер операции, ждём ответа."
        )


def _backdate(topic: Topic, comments: list, when) -> None:
    topic.created_at = topic.updated_at = topic.last_activity_at = when
    for number, comment in enumerate(comments, start=1):
        comment.created_at = comment.updated_at = when + timedelta(hours=2 * number)
        topic.last_activity_at = comment.created_at


def load_demo() -> str:
    content = files.content()
    departments = {key: _department(d["name"], d["description"]) for key, d in content.departments.items()}
    users = {}
    for key, u in content.users.items():
        users[key] = _user(u["email"], u["name"], u["role"], u["can_login"])
        for department_key in u["departments"]:
            if departments[department_key] not in users[key].departments:
                users[key].departments.append(departments[department_key])
    categories = {
        key: _category(c["name"], departments[c["department"]], c["description"], position)
        for position, (key, c) in enumerate(content.categories.items())
    }
    db.session.flush()
    for key, department in departments.items():
        _working_hours(key, department, users["admin"], users.get(LEADS.get(key, "")))
    db.session.flush()
    existing_titles = set(db.session.scalars(select(Topic.title)))
    # A believable history: topics of all types interleaved over the last two months.
    items = list(content.topics)
    random.Random(1551).shuffle(items)
    # anchored to 07:00 UTC, not to the clock: the same working-hours history whatever the time of day
    start = datetime.combine(utcnow().date() - timedelta(days=60), time(7))
    step = timedelta(days=60) / max(1, len(items))
    created = []
    for position, item in enumerate(items):
        if item["title"] in existing_titles:
            continue
        topic = community_services.create_topic(
            users[item["author"]],
            item["type"],
            item["title"],
            item["body"],
            categories[item["category"]].id,
            mood=item.get("mood"),
            is_private=item.get("private", False),
        )
        posted = []
        for author_key, text in item.get("comments", []):
            posted.append(community_services.post_comment(users[author_key], topic, text))
        if item.get("solution") is not None:
            community_services.mark_solution(users[item["author"]], topic, posted[item["solution"]].id)
        if item.get("status"):
            community_services.change_status(users["admin"], topic, item["status"])
        for voter in item.get("votes", []):
            community_services.toggle_vote(users[voter], topic)
        _backdate(topic, posted, start + step * position)
        sla.rebuild(topic)  # the response clock from the backdated history
        created.append(topic)
    _staff_work(created, users, departments["private"])
    sla.backfill()  # topics of a demo loaded before the staff workflow existed
    kb_loader.load_articles(users, categories)
    kb_loader.load_news(users["admin"])  # the demo has no marketing account; news is the administrator's
    demo_brand.load_brand(users["admin"])
    db.session.flush()
    history = demo_analytics.load(users["admin"])  # after the topics: ratings need solved topics
    topics = db.session.scalar(select(func.count()).select_from(Topic))
    return (
        f"{len(departments)} departments, {len(categories)} categories, {len(users)} users, {topics} topics, "
        f"{history}, {kb_loader.summary()}"
    )
