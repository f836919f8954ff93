"""One table of role x action x object: the policy (app.common.policy.can), the page or HTTP status, and the
SQL clause (where the rule has one) must give the same answer.

The topics are a customer's, in a category of "Private clients"; Rita is a (non-lead) representative of that
department, Pavel its lead, Boris a representative of "Business". A blocked user is the topic's author after
being blocked: the policy treats them as a visitor, and they cannot sign in (so their pages are a visitor's).
"""

import pytest
from sqlalchemy import select

from app.common.policy import can, where
from app.community.models import Comment, Topic
from app.extensions import db
from app.staff import services as staff_services

ROLES = ("anonymous", "author", "customer", "rep_this", "rep_other", "lead", "moderator", "admin", "blocked")
STAFF = {"rep_this", "rep_other", "lead", "moderator", "admin"}
EVERYONE = set(ROLES)

# (action, object) -> the roles allowed. Every other role is refused.
TABLE = {
    ("view_topic", "public"): EVERYONE,
    ("view_topic", "private"): STAFF | {"author"},
    ("view_topic", "hidden"): STAFF,
    ("work_on_topic", "public"): {"rep_this", "lead", "admin"},
    ("assign_topic", "public"): {"lead", "admin"},
    # (after the two above: an official answer resolves a question, and the panel then offers no work on it)
    ("answer_officially", "public"): {"rep_this", "rep_other", "lead", "admin"},
    ("answer_officially", "private"): {"rep_this", "rep_other", "lead", "admin"},
    ("answer_officially", "hidden"): {"rep_this", "rep_other", "lead", "admin"},
    ("edit_topic", "public"): {"author", "moderator", "admin"},
    ("edit_topic", "hidden"): {"moderator", "admin"},
    ("view_article", "draft"): STAFF,
    ("write_articles", None): {"rep_this", "rep_other", "lead", "admin"},
}


@pytest.fixture
def world(community, make_user, make_topic, make_article, customer):
    staff = dict(community)
    staff["rep_private2"] = make_user("representative", "rita@test.example", "Rita Second", [community["private"]])
    staff_services.set_department_leads(community["admin"], community["private"], [community["rep_private"].id])
    users = {
        "anonymous": None,
        "author": customer,
        "customer": make_user(email="other@test.example"),
        "rep_this": staff["rep_private2"],
        "rep_other": staff["rep_business"],
        "lead": staff["rep_private"],
        "moderator": staff["moderator"],
        "admin": staff["admin"],
    }
    blocked = make_user(email="blocked@test.example")
    topics = {
        kind: make_topic(
            author=customer, category=staff["cards"], title=f"A {kind} topic here", is_private=kind == "private"
        )
        for kind in ("public", "private", "hidden")
    }
    topics["hidden"].is_hidden = True
    # The blocked user wrote a private topic of their own before being blocked: they may not see it now.
    topics["blocked own"] = make_topic(author=blocked, category=staff["cards"], title="Blocked's own", is_private=True)
    blocked.is_blocked = True
    users["blocked"] = blocked
    article = make_article(author=staff["rep_private"], category=staff["cards"], publish=False)
    db.session.commit()
    return {"users": users, "topics": topics, "draft": article}


def _http(client, action, obj, world, user):
    """What the pages say: True/False, or None where no page shows this rule."""
    topics = world["topics"]
    if action == "view_topic":
        return client.get(f"/t/{obj.id}-{obj.slug}").status_code == 200
    if action == "view_article":
        return client.get(f"/kb/{obj.id}-{obj.slug}").status_code == 200
    if action == "edit_topic":
        return client.get(f"/t/{obj.id}/edit").status_code == 200
    if action in ("work_on_topic", "assign_topic"):
        path = f"/staff/t/{obj.id}/" + ("waiting" if action == "work_on_topic" else "assign")
        return f'action="{path}"' in client.get(f"/t/{obj.id}-{obj.slug}").get_data(as_text=True)
    if action == "answer_officially":
        before = db.session.scalar(select(Comment.id).order_by(Comment.id.desc()).limit(1)) or 0
        client.post(f"/t/{obj.id}/comments", data={"body": "An answer from the table."})
        db.session.expire_all()
        comment = db.session.scalar(select(Comment).where(Comment.id > before, Comment.topic_id == obj.id))
        return bool(comment is not None and comment.is_official)
    if action == "write_articles":
        return client.get("/kb/new").status_code == 200
    assert topics  # every action of the table is checked on a page
    return None


def _query(action, obj, user):
    if action == "view_topic":
        return db.session.scalar(select(Topic.id).where(Topic.id == obj.id, where(user, action, Topic))) is not None
    return None


@pytest.mark.parametrize("role", ROLES)
def test_the_policy_the_pages_and_the_queries_agree(role, world, client_as):
    user = world["users"][role]
    # A blocked user cannot sign in: their pages are a visitor's.
    client = client_as(user if role != "blocked" else None)
    wrong = []
    for (action, kind), allowed in TABLE.items():
        obj = world["draft"] if kind == "draft" else world["topics"].get(kind)
        expected = role in allowed
        answers = {
            "policy": can(user, action, obj),
            "page": _http(client, action, obj, world, user),
            "query": _query(action, obj, user),
        }
        for where_from, answer in answers.items():
            if answer is not None and answer != expected:
                wrong.append(f"{action} {kind}: {where_from} says {answer}, the table {expected}")
    if role == "blocked":
        own = world["topics"]["blocked own"]
        if can(user, "view_topic", own) or _query("view_topic", own, user):
            wrong.append("a blocked author still sees their private topic")
    assert not wrong, "\n".join(wrong)


def test_an_unknown_action_is_an_error_not_a_silent_no(world):
    with pytest.raises(LookupError):
        can(world["users"]["admin"], "veiw_topic", world["topics"]["public"])


def test_the_can_template_global_asks_the_policy(world, client_as, app):
    """The topic page offers 'Edit' exactly to those the policy lets edit (through the `can` template global
    or the view's own check: the same rule)."""
    topic = world["topics"]["public"]
    for role in ("author", "customer", "moderator"):
        body = client_as(world["users"][role]).get(f"/t/{topic.id}-{topic.slug}").get_data(as_text=True)
        assert (f"/t/{topic.id}/edit" in body) == can(world["users"][role], "edit_topic", topic), role
