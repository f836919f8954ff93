"""Who may do what in the knowledge base: one set of rules for services, routes and templates."""
from app.common.permissions import ADMIN, REPRESENTATIVE, is_staff
from app.community import kinds
from app.kb.models import Article

# Topic types an FAQ article can be made from, once they have an official answer or a solution.
PROMOTABLE_TYPES = frozenset({kinds.QUESTION, kinds.PROBLEM})


def _authenticated(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def can_write(user) -> bool:
    """Representatives and administrators write, publish and restore articles."""
    return _authenticated(user) and user.role in (REPRESENTATIVE, ADMIN)


def can_view_article(user, article: Article) -> bool:
    """Published articles are public; drafts are seen by staff only."""
    return article.is_published or is_staff(user)


def can_moderate(user) -> bool:
    return _authenticated(user) and bool(user.is_moderator)


def is_public_topic(topic) -> bool:
    """Only what everyone may read can be made public (FAQ articles and any other public-facing use)."""
    return not (topic.is_private or topic.is_hidden or topic.is_deleted)


def can_promote_topic(user, topic) -> bool:
    """'Add to FAQ' is offered on public questions and problems that have an official answer or a solution;
    never on private or hidden topics (their text was not written for everyone)."""
    return bool(
        can_write(user) and is_public_topic(topic) and topic.type in PROMOTABLE_TYPES
        and (topic.has_official_answer or topic.solution_comment_id is not None)
    )
