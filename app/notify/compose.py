"""From what happened in a transaction to outbox rows: who gets an e-mail, and what it says.

Rules (one place, also re-checked just before sending, see `still_wanted`):
- a new topic -> the representatives (staff members) of its department, except the author; a topic moved
  to another department (app.moderation) -> that department's representatives, except who moved it;
- a topic handed to another department (app.staff) -> that department's representatives, except who handed it
  over, with the hand-off note (staff only: the note never reaches customers or followers);
- answers, status changes and solutions -> the topic's followers, except whoever did it;
- nobody gets mail about a topic they may not see (policy `view_topic`): a private topic only reaches its author
  and staff, a hidden one only staff; hidden or deleted comments are never mailed, internal notes only to staff;
- nobody who turned that kind of mail (or all mail) off, or is blocked.
Everything one request does to one topic becomes one e-mail per person (an official answer that also
changes the status is one e-mail, not two).
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from app.common.db import utcnow
from app.common.policy import can
from app.community import kinds
from app.community.models import Comment, Topic
from app.notify import links, queries
from app.notify.models import QUEUED, MailMessage, Subscription
from app.notify.render import render_mail, render_mails, topic_thread_id
from app.notify.sql import insert_ignoring_duplicates
from app.staff.models import Department

NEW_TOPIC = "new_topic"
COMMENT = "comment"
OFFICIAL_ANSWER = "official_answer"
STATUS = "status"
SOLUTION = "solution"
DIGEST = "digest"
HAND_OFF = "hand_off"
INSERT_CHUNK = 500  # rows per INSERT (SQLite takes at most 32766 bound values per statement)

# Which setting turns each kind of mail off.
SETTING_OF_EVENT = {
    NEW_TOPIC: "new_topics",
    COMMENT: "topic_activity",
    OFFICIAL_ANSWER: "topic_activity",
    STATUS: "topic_activity",
    SOLUTION: "topic_activity",
    DIGEST: "digest",
    HAND_OFF: "new_topics",  # a topic arriving in my department, like a new or moved one
}
# Mail to staff about their departments' work: it does not depend on following the topic.
STAFF_EVENTS = (NEW_TOPIC, HAND_OFF, DIGEST)


def is_internal(comment) -> bool:
    """Internal notes (staff-only comments) are never mailed to anyone but staff."""
    return bool(getattr(comment, "is_internal", False))


def comment_visible_to(user, comment) -> bool:
    if comment is None or comment.is_deleted or comment.is_hidden:
        return False
    return not is_internal(comment) or can(user, "see_staff_panel")


def wants(settings, event: str) -> bool:
    return bool(settings.email_enabled and getattr(settings, SETTING_OF_EVENT[event]))


@dataclass
class Activity:
    """What happened to one topic in one transaction."""

    topic: Topic
    comments: list = field(default_factory=list)
    old_status: str | None = None
    new_status: str | None = None
    status_change: object = None
    solution: Comment | None = None
    actor_ids: set = field(default_factory=set)
    stamp: str | None = None  # when the status changed (app/notify/outbox.py): a stable dedup key when composed later

    def add(self, kind: str, data: dict) -> None:
        if kind == COMMENT:
            self.comments.append(data["comment"])
            self.actor_ids.add(data["comment"].author_id)
        elif kind == STATUS:
            if self.old_status is None:
                self.old_status = data["old"]
            self.new_status = data["new"]
            self.status_change = data.get("change") or self.status_change
            self.stamp = data.get("stamp") or self.stamp
            self.actor_ids.add(data["actor"].id)
        elif kind == SOLUTION:
            self.solution = data["comment"]
            self.actor_ids.add(data["actor"].id)

    def key(self) -> str:
        if self.comments:
            return f"comment:{min(c.id for c in self.comments)}"
        if self.solution is not None:
            return f"solution:{self.topic.id}:{self.solution.id}"
        if self.status_change is not None and self.status_change.id is not None:
            return f"status:{self.status_change.id}"
        return f"status:{self.topic.id}:{self.old_status}:{self.new_status}:{self.stamp or utcnow().isoformat()}"


def queue_events(session, events: list[tuple[str, dict]]) -> set[str]:
    """Turn the recorded events into outbox rows in `session` (the transaction of the change).
    Returns the dedup keys of the rows, for sending right after commit."""
    session.flush()
    rows: list[dict] = []
    activities: dict[int, Activity] = {}
    for kind, data in events:
        if kind == NEW_TOPIC:
            rows.extend(_new_topic_mails(session, data["topic"], data.get("moved_by")))
        elif kind == HAND_OFF:
            rows.extend(_hand_off_mails(session, **data))
        else:
            topic = data["topic"]
            activities.setdefault(topic.id, Activity(topic)).add(kind, data)
    for activity in activities.values():
        rows.extend(_activity_mails(session, activity))
    return insert_mail(session, rows)


def insert_mail(session, rows: list[dict]) -> set[str]:
    """Add the rows to the outbox, skipping any whose dedup key is already there. Returns the new keys."""
    now = utcnow()
    for row in rows:
        row.setdefault("thread_id", None)
        row.setdefault("topic_id", None)
        row.setdefault("comment_id", None)
        row.update(status=QUEUED, attempts=0, next_attempt_at=now, created_at=now)
    inserted: set[str] = set()
    for start in range(0, len(rows), INSERT_CHUNK):
        inserted.update(
            insert_ignoring_duplicates(
                session, MailMessage.__table__, rows[start : start + INSERT_CHUNK], ["dedup_key"], returning="dedup_key"
            )
        )
    return inserted


def _new_topic_mails(session, topic: Topic, moved_by=None) -> list[dict]:
    """To the representatives of the topic's department: a new topic, or one moved there (`moved_by`)."""
    department = session.get(Department, topic.department_id)  # topic.department may lag behind a move
    candidates = _department_staff(department, topic, {topic.author_id, moved_by.id if moved_by is not None else None})
    settings = queries.settings_for(session, [m.id for m in candidates])
    key = f"topic:{topic.id}:moved:{department.id}" if moved_by is not None else f"topic:{topic.id}:new"
    return render_mails(
        [m for m in candidates if wants(settings[m.id], NEW_TOPIC)],
        "new_topic",
        links.NEW_TOPICS,
        lambda: (
            _("Moved to %(department)s: %(title)s", department=department.name, title=topic.title)
            if moved_by is not None
            else _("New in %(department)s: %(title)s", department=department.name, title=topic.title)
        ),
        lambda member: _topic_keys(topic, f"{key}:to:{member.id}", NEW_TOPIC),
        topic=topic,
        topic_url=_topic_url(topic),
        moved=moved_by is not None,
        type_label=kinds.TYPE_LABELS[topic.type],
        department=department,
    )


def _topic_keys(topic: Topic, dedup_key: str, event: str) -> dict:
    """The outbox keys of a mail about a topic: threaded with the topic's other mails."""
    return {"dedup_key": dedup_key, "event": event, "thread_id": topic_thread_id(topic.id), "topic_id": topic.id}


def _department_staff(department: Department, topic: Topic, skip: set) -> list:
    """The department's representatives who may see the topic, except the people in `skip`."""
    return [
        member
        for member in department.members
        if can(member, "see_staff_panel") and member.id not in skip and can(member, "view_topic", topic)
    ]


def _hand_off_mails(
    session, topic: Topic, actor, from_department: Department, to_department: Department, note: str, assignment
) -> list[dict]:
    """To the representatives of the department the topic was handed to (not whoever handed it over).
    The note is written for staff: only staff members are candidates, and `still_wanted` checks it again."""
    candidates = _department_staff(to_department, topic, {actor.id if actor is not None else None})
    settings = queries.settings_for(session, [m.id for m in candidates])
    return render_mails(
        [m for m in candidates if wants(settings[m.id], HAND_OFF)],
        "hand_off",
        links.NEW_TOPICS,
        lambda: _("Handed over to %(department)s: %(title)s", department=to_department.name, title=topic.title),
        lambda member: _topic_keys(topic, f"topic:{topic.id}:handoff:{assignment.id}:to:{member.id}", HAND_OFF),
        topic=topic,
        topic_url=_topic_url(topic),
        type_label=kinds.TYPE_LABELS[topic.type],
        department=to_department,
        from_department=from_department,
        actor=actor,
        note=note,
    )


def _activity_event(activity: Activity, comments: list) -> str:
    if any(c.is_official for c in comments):
        return OFFICIAL_ANSWER
    if comments:
        return COMMENT
    if activity.solution is not None:
        return SOLUTION
    return STATUS


def _activity_subject(event: str, activity: Activity, comments: list) -> str:
    title = activity.topic.title
    if event == OFFICIAL_ANSWER:
        return _("Official answer: %(title)s", title=title)
    if event == COMMENT:
        return _("New answer: %(title)s", title=title)
    if event == SOLUTION:
        return _("Solution chosen: %(title)s", title=title)
    return _("%(status)s: %(title)s", status=kinds.STATUS_LABELS[activity.new_status], title=title)


def _activity_mails(session, activity: Activity) -> list[dict]:
    topic = activity.topic
    status_changed = activity.new_status is not None and activity.new_status != activity.old_status
    followers = queries.followers_with_settings(session, topic.id)
    candidates = [
        user for user, _s in followers if user.id not in activity.actor_ids and can(user, "view_topic", topic)
    ]
    settings = {user.id: user_settings for user, user_settings in followers}
    rows = []
    key = activity.key()
    for user in candidates:
        comments = [c for c in activity.comments if comment_visible_to(user, c)]
        solution = activity.solution if comment_visible_to(user, activity.solution) else None
        if not comments and solution is None and not status_changed:
            continue  # nothing this person may see (an internal note, a comment hidden at once)
        event = _activity_event(activity, comments) if (comments or solution) else STATUS
        if not wants(settings[user.id], event):
            continue
        row = render_mail(
            user,
            "activity",
            links.topic_scope(topic.id),
            lambda event=event, activity=activity, comments=comments: _activity_subject(event, activity, comments),
            topic=topic,
            topic_url=_topic_url(topic),
            comments=comments,
            solution=solution,
            old_status=activity.old_status if status_changed else None,
            new_status=activity.new_status if status_changed else None,
            comment_url=lambda c: _topic_url(topic, f"c{c.id}"),
        )
        row.update(
            dedup_key=f"{key}:to:{user.id}",
            event=event,
            thread_id=topic_thread_id(topic.id),
            topic_id=topic.id,
            comment_id=comments[0].id if comments else (solution.id if solution else None),
        )
        rows.append(row)
    return rows


def _topic_url(topic: Topic, anchor: str | None = None) -> str:
    url = links.public_url("community.topic", topic_id=topic.id, slug=topic.slug)
    return f"{url}#{anchor}" if anchor else url


def still_wanted(session, message: MailMessage) -> str | None:
    """Checked just before sending a queued e-mail: None if it should still go, else why not.
    Content may have been hidden, the recipient may have unsubscribed, since it was queued."""
    from app.auth.models import User

    user = session.get(User, message.recipient_id) if message.recipient_id else None
    if user is None or user.is_blocked:
        return "recipient gone or blocked"
    if message.event == HAND_OFF and not can(user, "see_staff_panel"):
        return "staff-only mail and the recipient is no longer staff"
    event = message.event if message.event in SETTING_OF_EVENT else None
    if event is not None and not wants(queries.settings_for(session, [user.id])[user.id], event):
        return "recipient unsubscribed"
    if message.topic_id is not None:
        topic = session.get(Topic, message.topic_id)
        if not can(user, "view_topic", topic):
            return "topic not visible to the recipient"
        if event not in STAFF_EVENTS and not session.scalar(
            select(Subscription.is_following).where(Subscription.topic_id == topic.id, Subscription.user_id == user.id)
        ):
            return "recipient unfollowed the topic"
    if message.comment_id is not None:
        comment = session.get(Comment, message.comment_id)
        if not comment_visible_to(user, comment):
            return "comment hidden or deleted"
    return None
