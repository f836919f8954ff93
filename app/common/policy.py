"""Who may do what: ONE module, one place per rule.

Everything asks `can(user, action, obj=None)`: views, services, templates (the `can` template global) and
queries (`where(user, action)` gives the SQL condition of a rule that filters lists; it sits beside the
rule it mirrors). A rule reads only the attributes of the user and of the object it is given, so `common`
never imports a feature; a rule that needs a feature's own data (a department's leads, the topic types an
FAQ article can be made from) is registered by that feature's init_app with the same `rule` decorator.

A blocked user may do nothing a visitor could not: `can` treats them as anonymous. An unknown action is a
programming error (LookupError), never a silent "no".

The official answer: a representative or an administrator answers officially on any topic they may see,
whatever its department (the badge names the department they speak for); a moderator's comment is not
official. Department membership decides who WORKS a topic (queues, taking it, waiting for the customer).
"""

from functools import wraps

from flask import abort, current_app
from flask_login import current_user
from sqlalchemy import and_, false, or_

from app.common.db import list_rows

CUSTOMER = "customer"
REPRESENTATIVE = "representative"
MODERATOR = "moderator"
ADMIN = "admin"
MARKETING = "marketing"  # writes news; not staff (sees topics as a customer does)
ROLES = (CUSTOMER, REPRESENTATIVE, MODERATOR, ADMIN, MARKETING)
STAFF_ROLES = frozenset({REPRESENTATIVE, MODERATOR, ADMIN})
OFFICIAL_ROLES = frozenset({REPRESENTATIVE, ADMIN})  # answer officially; write FAQ articles
MODERATOR_ROLES = frozenset({MODERATOR, ADMIN})
NEWS_WRITER_ROLES = frozenset({ADMIN, MARKETING})

_RULES: dict = {}
_CLAUSES: dict = {}


def rule(action: str):
    """Register the rule for `action`: fn(user, obj) -> bool; `user` is None for visitors and blocked users."""

    def register(fn):
        _RULES[action] = fn
        return fn

    return register


def clause(action: str):
    """Register the SQL condition of `action`: fn(user, model) -> a SQLAlchemy condition on `model`'s columns
    (the model is passed in, so this module imports no feature)."""

    def register(fn):
        _CLAUSES[action] = fn
        return fn

    return register


def actor(user):
    """The signed-in, unblocked user, or None."""
    if user is None or not getattr(user, "is_authenticated", False) or getattr(user, "is_blocked", False):
        return None
    return user


def can(user, action: str, obj=None) -> bool:
    try:
        check = _RULES[action]
    except KeyError:
        raise LookupError(f"no permission rule for {action!r}") from None
    return bool(check(actor(user), obj))


def where(user, action: str, model):
    """The SQL condition matching the rows of `model` that `user` may `action` (the rule's mirror, for lists
    and counts): `select(Topic).where(where(viewer, "view_topic", Topic))`."""
    return _CLAUSES[action](actor(user), model)


def visible_rows(user, action: str, model, criterion, loads=()) -> list:
    """The rows of `model` matching `criterion` that `user` may `action`, by id, with the relationships in
    `loads` loaded in the same query (no N+1): the comments under a topic or an article."""
    return list_rows(model, criterion, where(user, action, model), loads=loads)


def has_role(user, *roles) -> bool:
    user = actor(user)
    return user is not None and user.role in roles


def is_staff(user) -> bool:
    return has_role(user, *STAFF_ROLES)


def is_admin(user) -> bool:
    return has_role(user, ADMIN)


def department_ids(user) -> set[int]:
    user = actor(user)
    return {d.id for d in (getattr(user, "departments", None) or [])} if user is not None else set()


def role_required(*roles):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if current_user.role not in roles:
                abort(404)
            return view(*args, **kwargs)

        return wrapped

    return decorator


# --- topics and comments -----------------------------------------------------------------------------


@rule("view_topic")
def _view_topic(user, topic) -> bool:
    if topic is None or topic.is_deleted:
        return False
    if is_staff(user):
        return True
    if topic.is_hidden:
        return False
    return not topic.is_private or (user is not None and user.id == topic.author_id)


@clause("view_topic")
def _view_topic_clause(user, Topic):
    return topic_clause(Topic, is_staff(user), user.id if user is not None else None)


def topic_clause(Topic, staff: bool, user_id: int | None):
    """view_topic as SQL for a scope already reduced to (staff?, user id) (search results)."""
    if staff:
        return Topic.is_deleted == false()
    base = and_(Topic.is_deleted == false(), Topic.is_hidden == false())
    if user_id is not None:
        return and_(base, or_(Topic.is_private == false(), Topic.author_id == user_id))
    return and_(base, Topic.is_private == false())


@clause("view_public_topic")
def _public_topic_clause(_user, Topic):
    """What anyone may see (sitemaps, feeds): the anonymous view of topics."""
    return topic_clause(Topic, False, None)


@rule("view_comment")
def _view_comment(user, comment) -> bool:
    if comment is None or comment.is_deleted:
        return False
    return not comment.is_hidden or is_staff(user)


@clause("view_comment")
def _view_comment_clause(user, Comment):
    """Also used for article comments (same columns: is_deleted, is_hidden)."""
    if is_staff(user):
        return Comment.is_deleted == false()
    return and_(Comment.is_deleted == false(), Comment.is_hidden == false())


@rule("comment")
def _comment(user, topic) -> bool:
    return user is not None and _view_topic(user, topic)


@rule("answer_officially")
def _answer_officially(user, topic) -> bool:
    return has_role(user, *OFFICIAL_ROLES) and (topic is None or _view_topic(user, topic))


@rule("mark_solution")
def _mark_solution(user, topic) -> bool:
    return user is not None and _view_topic(user, topic) and (user.id == topic.author_id or is_staff(user))


@rule("edit_topic")
def _edit_topic(user, topic) -> bool:
    return (
        user is not None
        and _view_topic(user, topic)
        and (user.id == topic.author_id or has_role(user, *MODERATOR_ROLES))
    )


rule("delete_topic")(_edit_topic)


@rule("vote")
def _vote(user, topic) -> bool:
    return user is not None and _view_topic(user, topic) and user.id != topic.author_id


@rule("change_status")
def _change_status(user, _topic=None) -> bool:
    return is_staff(user)


@rule("moderate")
def _moderate(user, _obj=None) -> bool:
    """Hide, move, merge topics; hide article comments."""
    return has_role(user, *MODERATOR_ROLES)


# --- the staff workflow (department leads are registered by app.staff) --------------------------------


@rule("see_staff_panel")
def _see_staff_panel(user, _topic=None) -> bool:
    return is_staff(user)


@rule("use_queues")
def _use_queues(user, _obj=None) -> bool:
    return is_staff(user) and (is_admin(user) or bool(department_ids(user)))


@rule("work_on_topic")
def _work_on_topic(user, topic) -> bool:
    """Take it, mark it as waiting for the customer: the topic's department's staff (and admins)."""
    return is_staff(user) and (is_admin(user) or topic.department_id in department_ids(user))


# --- knowledge base and news -------------------------------------------------------------------------


@rule("write_articles")
def _write_articles(user, _obj=None) -> bool:
    return has_role(user, *OFFICIAL_ROLES)


@rule("view_article")
def _view_article(user, article) -> bool:
    """Published articles are public; drafts are seen by staff only."""
    return article is not None and (article.is_published or is_staff(user))


@rule("delete_comment")
def _delete_comment(user, comment) -> bool:
    """An article comment (or a topic comment): its author or a moderator."""
    return user is not None and (user.id == comment.author_id or has_role(user, *MODERATOR_ROLES))


@rule("write_news")
def _write_news(user, _obj=None) -> bool:
    return has_role(user, *NEWS_WRITER_ROLES)


@rule("view_news")
def _view_news(user, post) -> bool:
    return post is not None and (post.is_published or _write_news(user))


@rule("manage_site")
def _manage_site(user, _obj=None) -> bool:
    return is_admin(user)
