"""Connects the staff workflow to what the community announces (app.common.signals).

The receivers run inside the sender's transaction and only change rows in the session. Connecting is
idempotent (blinker keys receivers by identity), so every app created in the process can call connect().
"""

from app.common import signals
from app.staff import services, sla


def _on_topic_moved(topic, actor=None, old_department_id=None, **_kwargs) -> None:
    services.record_move(topic, actor, old_department_id)


def connect() -> None:
    signals.topic_created.connect(sla.on_topic_created)
    signals.comment_posted.connect(sla.on_comment_posted)
    signals.status_changed.connect(sla.on_status_changed)
    signals.solution_marked.connect(sla.on_solution_marked)
    signals.topic_moved.connect(_on_topic_moved)
    signals.topic_merged.connect(sla.on_topic_merged)
