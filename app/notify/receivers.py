"""Listening to the community's signals, queueing mail in the same transaction, sending it after commit.

- Receivers run inside the service that changed something: they subscribe authors and commenters at once
  and note the event in the session.
- Just before the session commits, the noted events become one `notify_events` row (`outbox.add`), so the
  e-mails to come commit or roll back together with the change; nothing is rendered in the request.
- After the commit, the `mail.compose` job is enqueued (MAIL_SEND=inline; app/jobs): it renders one mail per
  recipient into `mail_messages` and enqueues `mail.send`: a worker composes and sends the mail, never
  the request. A failure there is retried with back-off; it never turns a saved request into an error, and the
  worker's periodic sweep sends whatever a lost job left.
"""

import logging

from flask import after_this_request, current_app, has_app_context, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.common import signals
from app.extensions import db
from app.notify import compose, outbox
from app.notify.models import AUTHOR, COMMENTER
from app.notify.services import move_followers, subscribe_automatically

log = logging.getLogger(__name__)

_EVENTS = "otklik_notify_events"
_KEYS = "otklik_notify_keys"
_AFTER_RESPONSE = "otklik_notify_after_response"
_COMPOSE = "otklik_notify_compose"


def connect() -> None:
    """Connect the receivers (idempotent: blinker keeps one connection per receiver)."""
    signals.topic_created.connect(_on_topic_created)
    signals.comment_posted.connect(_on_comment_posted)
    signals.status_changed.connect(_on_status_changed)
    signals.solution_marked.connect(_on_solution_marked)
    signals.topic_merged.connect(_on_topic_merged)
    signals.topic_moved.connect(_on_topic_moved)
    signals.topic_handed_off.connect(_on_topic_handed_off)


def _note(kind: str, **data) -> None:
    db.session.info.setdefault(_EVENTS, []).append((kind, data))


def _on_topic_created(topic, **_kwargs) -> None:
    subscribe_automatically(topic.author_id, topic.id, AUTHOR)
    _note(compose.NEW_TOPIC, topic=topic)


def _on_comment_posted(comment, **_kwargs) -> None:
    subscribe_automatically(comment.author_id, comment.topic_id, COMMENTER)
    _note(compose.COMMENT, topic=comment.topic, comment=comment)


def _on_status_changed(topic, actor, old, new, change=None, **_kwargs) -> None:
    _note(compose.STATUS, topic=topic, actor=actor, old=old, new=new, change=change)


def _on_solution_marked(topic, actor, comment, **_kwargs) -> None:
    _note(compose.SOLUTION, topic=topic, actor=actor, comment=comment)


def _on_topic_moved(topic, actor=None, old_department_id=None, **_kwargs) -> None:
    """Moved to a category of another department: that department's representatives hear of it as of a new topic."""
    if old_department_id is not None and old_department_id != topic.department_id:
        _note(compose.NEW_TOPIC, topic=topic, moved_by=actor)


def _on_topic_handed_off(topic, actor, from_department, to_department, note, assignment, **_kwargs) -> None:
    """Staff handed the topic to another department (app.staff): its representatives get the topic and the note."""
    _note(
        compose.HAND_OFF,
        topic=topic,
        actor=actor,
        from_department=from_department,
        to_department=to_department,
        note=note,
        assignment=assignment,
    )


def _on_topic_merged(duplicate, original, **_kwargs) -> None:
    """A moderator merged a duplicate (app.moderation): its followers follow the original from now on."""
    move_followers(duplicate.id, original.id)


@event.listens_for(Session, "before_commit")
def _queue_mail(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint: wait for the real commit
        return
    events = session.info.pop(_EVENTS, None)
    if not events or not has_app_context():
        return
    if outbox.add(session, events):  # composed by the mail.compose job, never in the request
        session.info[_COMPOSE] = True


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    keys = session.info.pop(_KEYS, None)
    after_response = session.info.pop(_AFTER_RESPONSE, False)
    to_compose = session.info.pop(_COMPOSE, False)
    if not has_app_context():
        return
    if to_compose:  # renders the mails (and with MAIL_SEND=inline enqueues mail.send); never raises (the sweep)
        from app.jobs import queue

        queue.enqueue(outbox.JOB)
    if not keys or current_app.config.get("MAIL_SEND", "inline") != "inline":
        return
    if after_response and has_request_context():
        _enqueue_when_the_response_is_sent()
        return
    _enqueue()


def _enqueue_when_the_response_is_sent() -> None:
    """Enqueue once the answer has left (WSGI close): with an eager or in-process queue, how long the SMTP
    server takes must not show in how long the answer took (account e-mails: is this address registered?)."""
    app = current_app._get_current_object()

    @after_this_request
    def _later(response):
        def enqueue() -> None:
            with app.app_context():
                _enqueue()

        response.call_on_close(enqueue)
        return response


def _enqueue() -> None:
    from app.jobs import queue
    from app.notify.jobs import JOB

    queue.enqueue(JOB)  # the worker sends it (never inside the request); never raises: the sweep picks rows up


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    if session.in_nested_transaction():
        return
    session.info.pop(_EVENTS, None)
    session.info.pop(_KEYS, None)
    session.info.pop(_AFTER_RESPONSE, None)
    session.info.pop(_COMPOSE, None)


def queue_mail_now(rows: list[dict], after_response: bool = False) -> None:
    """Add mail rows (from `render.render_mail`) to the outbox in the current transaction, to be sent after
    its commit like the community's mail. For features whose mail is not about a topic (account e-mails).
    `after_response`: with MAIL_SEND=inline, send once the response has been sent rather than before it."""
    keys = compose.insert_mail(db.session, rows)
    if keys:
        db.session.info.setdefault(_KEYS, set()).update(keys)
        if after_response:
            db.session.info[_AFTER_RESPONSE] = True
