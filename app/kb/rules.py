"""The knowledge-base rule that needs community data, registered in app.common.policy (app.kb.init_app
imports this module). Every other KB rule (write_articles, view_article, moderate, delete_comment) is in
app.common.policy; ask them all with `policy.can(user, action, obj)`."""

from app.common import policy
from app.community import kinds

# Topic types an FAQ article can be made from, once they have an official answer or a solution.
PROMOTABLE_TYPES = frozenset({kinds.QUESTION, kinds.PROBLEM})


def is_public_topic(topic) -> bool:
    """Only what everyone may read can be made public (FAQ articles and any other public-facing use)."""
    return not (topic.is_private or topic.is_hidden or topic.is_deleted)


@policy.rule("promote_topic")
def _promote_topic(user, topic) -> bool:
    """'Add to FAQ' is offered on public questions and problems that have an official answer or a solution;
    never on private or hidden topics (their text was not written for everyone)."""
    return bool(
        policy.can(user, "write_articles")
        and is_public_topic(topic)
        and topic.type in PROMOTABLE_TYPES
        and (topic.has_official_answer or topic.solution_comment_id is not None)
    )
