"""Moderators block a person from posting (with a reason and an optional end): they read, but every write is
refused with the reason; the block and the unblock are in the moderation log; a block ends by itself."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.auth.rules import posting_block_active
from app.common.db import utcnow
from app.common.errors import Forbidden
from app.community import services as community_services
from app.community.models import Comment, Topic, Vote
from app.extensions import db
from app.moderation import services as moderation_services
from app.moderation.models import ModerationAction
from tests.helpers import form_errors, page, page_text

REASON = "Insults in three topics"


@pytest.fixture
def blocked(customer, community):
    moderation_services.block_user(community["moderator"], customer, REASON, utcnow() + timedelta(days=3))
    db.session.commit()
    return customer


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_moderator_blocks_from_the_profile_and_it_is_logged(client_as, customer, community):
    moderator = client_as(community["moderator"])
    panel = page(moderator.get(f"/u/{customer.id}")).find("section", class_="moderation-user")
    assert panel is not None and panel.find("form").get("action") == f"/u/{customer.id}/block"
    assert page(client_as(customer).get(f"/u/{customer.id}")).find("section", class_="moderation-user") is None

    response = moderator.post(f"/u/{customer.id}/block", {"reason": REASON, "until": "2099-01-31"})
    assert response.status_code == 302
    db.session.refresh(customer)
    assert customer.posting_block_reason == REASON and customer.posting_blocked_until == datetime(2099, 1, 31)
    [entry] = db.session.scalars(select(ModerationAction).where(ModerationAction.user_id == customer.id)).all()
    assert (entry.action, entry.actor_id, entry.detail["reason"]) == ("block", community["moderator"].id, REASON)
    assert REASON in page_text(moderator.get(f"/u/{customer.id}"))

    moderator.post(f"/u/{customer.id}/unblock")
    db.session.refresh(customer)
    assert not posting_block_active(customer)
    actions = db.session.scalars(
        select(ModerationAction.action).where(ModerationAction.user_id == customer.id).order_by(ModerationAction.id)
    ).all()
    assert actions == ["block", "unblock"]


def test_customers_and_representatives_cannot_block(client_as, customer, make_user, community):
    other = make_user()
    for user in (customer, community["rep_private"]):
        assert client_as(user).post(f"/u/{other.id}/block", {"reason": REASON}).status_code == 404
    db.session.refresh(other)
    assert other.posting_blocked_at is None


def test_bad_block_forms_are_4xx(client_as, customer, community):
    moderator = client_as(community["moderator"])
    assert moderator.post(f"/u/{customer.id}/block", {"reason": ""}).status_code == 400
    assert moderator.post(f"/u/{customer.id}/block", {"reason": REASON, "until": "2000-01-01"}).status_code == 400
    assert moderator.post(f"/u/{community['rep_private'].id}/block", {"reason": REASON}).status_code == 403
    db.session.refresh(customer)
    assert customer.posting_blocked_at is None


def test_a_blocked_person_reads_but_cannot_post_and_sees_why(client_as, blocked, make_topic, community):
    topic = make_topic(category=community["cards"], topic_type="idea", mood=None)
    client = client_as(blocked)
    assert client.get(f"/t/{topic.id}-{topic.slug}").status_code == 200
    notice = page(client.get("/new")).find("div", class_="blocked-notice")
    assert REASON in notice.text and "until" in notice.text

    form = {
        "type": "question",
        "title": "Where is my money?",
        "body": "Please answer.",
        "category_id": str(community["cards"].id),
        "mood": "indifferent",
        "confirmed": "1",
    }
    refused = client.post("/new", form)
    assert refused.status_code == 422 and any(REASON in error for error in form_errors(refused))
    comment = client.post(f"/t/{topic.id}/comments", {"body": "Hello"})
    assert comment.status_code == 422 and any(REASON in error for error in form_errors(comment))
    assert client.post(f"/t/{topic.id}/vote").status_code in (400, 403)
    assert (_count(Topic), _count(Comment), _count(Vote)) == (1, 0, 0)


@pytest.mark.parametrize("action", ["topic", "private topic", "comment", "vote", "upload", "edit"])
def test_every_write_is_refused_in_the_service(blocked, make_topic, make_upload, make_user, community, action):
    topic = make_topic(category=community["cards"], topic_type="idea", mood=None)
    own = None
    if action == "edit":
        blocked.posting_blocked_at = None
        own = make_topic(author=blocked, category=community["cards"])
        moderation_services.block_user(community["moderator"], blocked, REASON)
        db.session.commit()
    calls = {
        "topic": lambda: community_services.create_topic(
            blocked, "question", "A new question", "Text", community["cards"].id, mood="indifferent"
        ),
        "private topic": lambda: community_services.create_topic(
            blocked, "question", "A new question", "Text", community["cards"].id, mood="indifferent", is_private=True
        ),
        "comment": lambda: community_services.post_comment(blocked, topic, "Hello"),
        "vote": lambda: community_services.toggle_vote(blocked, topic),
        "upload": lambda: make_upload(owner=blocked),
        "edit": lambda: community_services.edit_topic(blocked, own, "A changed title", "Changed"),
    }
    with pytest.raises(Forbidden) as refused:
        calls[action]()
    assert REASON in str(refused.value.message)
    db.session.rollback()


def test_a_block_ends_by_itself(blocked, make_topic, community):
    assert posting_block_active(blocked)
    assert not posting_block_active(blocked, now=utcnow() + timedelta(days=3, seconds=1))
    blocked.posting_blocked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    topic = community_services.create_topic(
        blocked, "question", "Back again now", "Text", community["cards"].id, mood="indifferent"
    )
    assert topic.id
