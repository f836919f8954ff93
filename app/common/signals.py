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
# A search that found nothing (app.search's suggest API, the search pages; app.analytics keeps it, masked, for
# the knowledge base's to-do list). The sender commits when a receiver returns something it added.
search_found_nothing = _signals.signal(
    "search-found-nothing"
)  # sender: the text searched for, kwargs: where ("ask", "search", "kb"), draft_id (the ask form's, or None)

# Accounts (app.auth sends them; app.accounts e-mails the person).
user_registered = _signals.signal("user-registered")  # sender: user
registration_for_taken_email = _signals.signal("registration-for-taken-email")  # sender: the existing user


def found_nothing(text: str, where: str, draft_id=None) -> bool:
    """Send search_found_nothing; True when a receiver added something to the session (the caller commits)."""
    return any(
        result is not None for _receiver, result in search_found_nothing.send(text, where=where, draft_id=draft_id)
    )
