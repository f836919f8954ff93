"""Domain signals: features announce what happened; others (notifications, analytics) listen.

Senders call them inside the service, before commit; receivers only add rows to the session
(e-mails to the outbox, events), so everything commits or rolls back together.
"""

from blinker import Namespace

_signals = Namespace()

topic_created = _signals.signal("topic-created")  # sender: topic
comment_posted = _signals.signal("comment-posted")  # sender: comment
status_changed = _signals.signal("status-changed")  # sender: topic, kwargs: actor, old, new, change
solution_marked = _signals.signal("solution-marked")  # sender: topic, kwargs: actor, comment
topic_moved = _signals.signal(
    "topic-moved"
)  # sender: topic, kwargs: actor, old_category_id, old_department_id, old_type
topic_merged = _signals.signal("topic-merged")  # sender: duplicate topic, kwargs: original, actor
topic_handed_off = _signals.signal(
    "topic-handed-off"
)  # sender: topic, kwargs: actor, from_department, to_department, note, assignment

# Smart search (app.analytics sends it from the events API; app.learning keeps what the customer typed).
suggestion_followed = _signals.signal(
    "suggestion-followed"
)  # sender: draft id, kwargs: voter, kind, ref_id, text (typed so far, or None), solved (bool)

# Accounts (app.auth sends them; app.accounts e-mails the person).
user_registered = _signals.signal("user-registered")  # sender: user
registration_for_taken_email = _signals.signal("registration-for-taken-email")  # sender: the existing user
