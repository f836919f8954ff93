"""Community rules in app.community.services, called the way routes and the demo loader call them."""

import pytest

from app.common.errors import DomainError, Forbidden, NotFound
from app.community import services
from app.community.queries import status_history
from app.extensions import db


def test_create_topic_routes_to_the_category_department_and_renders_markdown(customer, community):
    topic = services.create_topic(
        customer,
        "problem",
        "  The   app   crashes  ",
        "It **crashes** on start.",
        community["acquiring"].id,
        mood="upset",
    )

    assert topic.title == "The app crashes"
    assert topic.department_id == community["business"].id
    assert topic.body_html.strip() == "<p>It <strong>crashes</strong> on start.</p>"
    assert (topic.status, topic.is_private, topic.comment_count) == ("open", False, 0)


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"topic_type": "complaint"}, "type"),
        ({"mood": None}, "mood"),
        ({"mood": "angry"}, "mood"),
        ({"body": "   "}, "body"),
        ({"title": "Hi   !"}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"body": "x" * 20001}, "body"),
        ({"category_id": 999999}, "category_id"),
        ({"category_id": "1"}, "category_id"),
    ],
)
def test_create_topic_rules(customer, community, kwargs, field):
    args = {
        "topic_type": "question",
        "title": "A proper title",
        "body": "Details.",
        "category_id": community["cards"].id,
        "mood": "upset",
        **kwargs,
    }

    with pytest.raises(DomainError) as error:
        services.create_topic(
            customer, args.pop("topic_type"), args.pop("title"), args.pop("body"), args.pop("category_id"), **args
        )

    assert error.value.field == field


def test_post_comment_by_staff_roles(make_topic, community):
    topic = make_topic(category=community["cards"])

    rep = services.post_comment(community["rep_private"], topic, "Official.")
    admin = services.post_comment(community["admin"], topic, "Also official, no department.")
    moderator = services.post_comment(community["moderator"], topic, "Staff, but not an official answer.")

    assert (rep.is_official, rep.department_id) == (True, community["private"].id)
    assert (admin.is_official, admin.department_id) == (True, None)
    assert (moderator.is_official, moderator.department_id) == (False, None)
    assert topic.comment_count == 3


def test_post_comment_refuses_empty_text_and_invisible_topics(make_topic, make_user, customer):
    private = make_topic(author=customer, is_private=True)
    with pytest.raises(DomainError):
        services.post_comment(customer, private, "   ")
    with pytest.raises(NotFound):
        services.post_comment(make_user(), private, "Let me in.")
    assert private.comment_count == 0


def test_mark_solution_rules(make_topic, make_user, customer, community):
    topic = make_topic(author=customer, topic_type="problem")
    other = make_topic(author=customer)
    answer = services.post_comment(community["moderator"], topic, "Reinstall.")
    foreign = services.post_comment(community["moderator"], other, "Elsewhere.")
    db.session.commit()

    with pytest.raises(Forbidden):
        services.mark_solution(make_user(), topic, answer.id)
    with pytest.raises(NotFound):
        services.mark_solution(customer, topic, foreign.id)
    with pytest.raises(NotFound):
        services.mark_solution(customer, topic, str(answer.id))
    assert (topic.solution_comment_id, topic.status) == (None, "open")

    services.mark_solution(customer, topic, answer.id)
    assert (topic.solution_comment_id, topic.status) == (answer.id, "solved")
    services.mark_solution(customer, topic, answer.id)
    assert topic.solution_comment_id is None


def test_toggle_vote_rules(make_topic, make_user, customer):
    idea = make_topic(topic_type="idea")
    voter = make_user()

    assert services.toggle_vote(voter, idea) is True
    assert services.toggle_vote(customer, idea) is True
    assert idea.vote_count == 2
    assert services.toggle_vote(voter, idea) is False
    assert idea.vote_count == 1
    with pytest.raises(DomainError):
        services.toggle_vote(idea.author, idea)
    with pytest.raises(DomainError):
        services.toggle_vote(voter, make_topic(topic_type="praise"))


def test_change_status_rules(make_topic, customer, community):
    topic = make_topic(author=customer, topic_type="idea")

    with pytest.raises(Forbidden):
        services.change_status(customer, topic, "planned")
    with pytest.raises(DomainError):
        services.change_status(community["moderator"], topic, "solved")
    assert topic.status == "new"

    services.change_status(community["moderator"], topic, "planned")
    services.change_status(community["moderator"], topic, "planned")  # no-op: no second history entry
    db.session.flush()
    assert topic.status == "planned"
    assert [(h.old_status, h.new_status) for h in status_history(topic)] == [("new", "planned")]
