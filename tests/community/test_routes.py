"""Topics, answers, solutions, votes and statuses through the pages people use."""

import pytest
from sqlalchemy import func, select

from app.community import services
from app.community.models import Comment, StatusChange, Topic, Vote
from app.extensions import db
from tests.helpers import db_snapshot, flashes, form_errors, page


def _ask(client, category, topic_type="question", mood="upset", **fields):
    data = {
        "type": topic_type,
        "title": "My card was blocked abroad",
        "body": "It stopped working in Riga.",
        "category_id": str(category.id),
        "confirmed": "1",
        **fields,
    }
    if mood is not None:
        data["mood"] = mood
    return client.post("/new", data)


def _topics() -> list[Topic]:
    return list(db.session.scalars(select(Topic)))


@pytest.mark.parametrize(
    "topic_type, status",
    [
        ("question", "open"),
        ("problem", "open"),
        ("idea", "new"),
        ("praise", "new"),
    ],
)
def test_each_type_can_be_posted_with_a_mood(client, auth, customer, community, topic_type, status):
    auth.login()

    response = _ask(client, community["cards"], topic_type, mood="satisfied")

    assert response.status_code == 302
    [topic] = _topics()
    assert (topic.type, topic.mood, topic.status, topic.author_id) == (topic_type, "satisfied", status, customer.id)
    assert response.headers["Location"] == f"/t/{topic.id}-my-card-was-blocked-abroad"


@pytest.mark.parametrize("topic_type", ["question", "problem"])
def test_mood_is_required_for_questions_and_problems(client, auth, customer, community, topic_type):
    auth.login()

    response = _ask(client, community["cards"], topic_type, mood=None)

    assert response.status_code == 422
    assert "Tell us how you feel about it." in form_errors(response)
    assert _topics() == []


@pytest.mark.parametrize("topic_type", ["idea", "praise"])
def test_mood_is_optional_for_ideas_and_praise(client, auth, customer, community, topic_type):
    auth.login()

    response = _ask(client, community["cards"], topic_type, mood=None)

    assert response.status_code == 302
    [topic] = _topics()
    assert topic.mood is None


def test_an_unknown_mood_is_refused(client, auth, customer, community):
    auth.login()

    response = _ask(client, community["cards"], "idea", mood="furious")

    assert response.status_code == 422
    assert "Choose one of the listed moods." in form_errors(response)
    assert _topics() == []


def test_a_private_topic_is_stored_as_private(client, auth, customer, community):
    auth.login()

    assert _ask(client, community["cards"], is_private="y").status_code == 302
    assert [t.is_private for t in _topics()] == [True]


def test_posting_needs_login(client, community):
    response = _ask(client, community["cards"])

    assert (
        response.status_code == 303
    )  # the visitor's draft waits in the browser (tests/community/test_anonymous_ask.py)
    assert response.headers["Location"].startswith("/login")
    assert _topics() == []


@pytest.mark.parametrize("category, department", [("cards", "Private clients"), ("acquiring", "Business")])
def test_a_new_topic_goes_to_the_department_of_its_category(client, auth, customer, community, category, department):
    auth.login()

    response = _ask(client, community[category])
    topic_page = client.get(response.headers["Location"])

    [topic] = _topics()
    assert topic.department_id == community[category].department_id
    assert page(topic_page).find("span", class_="department").text == f"Responsible: {department}"
    assert f"Your topic is published. {department} will answer it." in flashes(topic_page)


def _comment_box(response, comment_id: int):
    return page(response).find("article", id=f"c{comment_id}")


def test_a_representative_answer_carries_the_official_badge(client, make_topic, customer, community):
    topic = make_topic(author=customer, category=community["cards"])
    rep_answer = services.post_comment(community["rep_private"], topic, "We have unblocked it.")
    own_answer = services.post_comment(customer, topic, "Thank you!")
    db.session.commit()

    response = client.get(f"/t/{topic.id}-{topic.slug}")

    rep_box = _comment_box(response, rep_answer.id)
    assert rep_box.find("span", class_="official").text == "Official representative · Private clients"
    assert "official" in rep_box.classes
    customer_box = _comment_box(response, own_answer.id)
    assert customer_box.find(class_="official") is None
    assert "Official representative" not in customer_box.text


def test_a_representative_answers_for_their_own_department(client, make_topic, customer, community):
    topic = make_topic(author=customer, category=community["cards"])
    answer = services.post_comment(community["rep_business"], topic, "Business here, passing it on.")
    db.session.commit()

    response = client.get(f"/t/{topic.id}-{topic.slug}")

    assert (
        _comment_box(response, answer.id).find("span", class_="official").text == "Official representative · Business"
    )


def test_an_official_answer_moves_a_question_to_answered(client, make_topic, customer, community, client_as):
    topic = make_topic(author=customer, category=community["cards"])
    rep = client_as(community["rep_private"])

    assert rep.post(f"/t/{topic.id}/comments", {"body": "Done, try again."}).status_code == 302

    db.session.refresh(topic)
    assert (topic.status, topic.has_official_answer, topic.comment_count) == ("answered", True, 1)


def test_a_customer_answer_is_not_official(client, auth, make_topic, customer, community):
    topic = make_topic(category=community["cards"])
    auth.login()

    assert client.post(f"/t/{topic.id}/comments", {"body": "Same here."}).status_code == 302

    [comment] = db.session.scalars(select(Comment))
    assert (comment.is_official, comment.department_id, comment.author_id) == (False, None, customer.id)
    db.session.refresh(topic)
    assert (topic.status, topic.has_official_answer) == ("open", False)


# --- solutions ----------------------------------------------------------------------------------------


@pytest.fixture
def answered(make_topic, customer, community):
    """A topic by the customer with an answer (by default a representative's)."""

    def make(topic_type="question", answerer="rep_private"):
        topic = make_topic(author=customer, category=community["cards"], topic_type=topic_type)
        answer = services.post_comment(community[answerer], topic, "Restart the app.")
        db.session.commit()
        return topic, answer

    return make


@pytest.mark.parametrize("who", ["author", "rep_private", "rep_business", "moderator", "admin"])
def test_author_or_staff_mark_and_unmark_the_solution(client_as, customer, community, answered, who):
    topic, answer = answered()
    actor = client_as(customer if who == "author" else community[who])

    assert actor.post(f"/t/{topic.id}/solution", {"comment_id": str(answer.id)}).status_code == 302
    db.session.refresh(topic)
    assert (topic.solution_comment_id, topic.status) == (answer.id, "answered")
    page_after = actor.get(f"/t/{topic.id}-{topic.slug}")
    assert "solution" in _comment_box(page_after, answer.id).classes

    assert actor.post(f"/t/{topic.id}/solution", {"comment_id": str(answer.id)}).status_code == 302
    db.session.refresh(topic)
    assert topic.solution_comment_id is None


def test_another_customer_cannot_mark_the_solution(client_as, make_user, answered):
    topic, answer = answered()
    stranger = client_as(make_user())
    before = db_snapshot()

    response = stranger.post(f"/t/{topic.id}/solution", {"comment_id": str(answer.id)})

    assert response.status_code in (403, 404)
    assert db_snapshot() == before
    assert "Mark as solution" not in stranger.get(f"/t/{topic.id}-{topic.slug}").get_data(as_text=True)


@pytest.mark.parametrize("topic_type, solved_status", [("question", "answered"), ("problem", "solved")])
def test_marking_a_solution_sets_the_status(client_as, customer, answered, topic_type, solved_status):
    topic, answer = answered(topic_type, answerer="moderator")  # not official: the status is still the first
    assert topic.status == "open"

    client_as(customer).post(f"/t/{topic.id}/solution", {"comment_id": str(answer.id)})

    db.session.refresh(topic)
    assert (topic.solution_comment_id, topic.status) == (answer.id, solved_status)
    history = db.session.scalars(select(StatusChange).where(StatusChange.topic_id == topic.id)).all()
    assert history[-1].new_status == solved_status and history[-1].actor_id == topic.author_id


def test_a_comment_of_another_topic_cannot_be_the_solution(client_as, make_topic, customer, answered):
    topic, _ = answered()
    _, foreign_answer = answered()
    before = db_snapshot()

    response = client_as(customer).post(f"/t/{topic.id}/solution", {"comment_id": str(foreign_answer.id)})

    assert response.status_code == 404
    assert db_snapshot() == before


# --- votes --------------------------------------------------------------------------------------------


def _votes(topic) -> tuple[int, int]:
    db.session.refresh(topic)
    rows = db.session.scalar(select(func.count()).select_from(Vote).where(Vote.topic_id == topic.id))
    return topic.vote_count, rows


@pytest.mark.parametrize("topic_type", ["problem", "idea"])
def test_one_vote_per_user_and_a_second_post_withdraws_it(client, auth, make_topic, customer, topic_type):
    topic = make_topic(topic_type=topic_type)
    auth.login()

    first = client.post(f"/t/{topic.id}/vote")
    assert first.status_code == 302
    assert _votes(topic) == (1, 1)
    assert "Withdraw my vote" in client.get(first.headers["Location"]).get_data(as_text=True)

    assert client.post(f"/t/{topic.id}/vote").status_code == 302
    assert _votes(topic) == (0, 0)


def test_votes_of_different_users_add_up(client_as, make_topic, make_user):
    topic = make_topic(topic_type="problem")
    for _ in range(2):
        client_as(make_user()).post(f"/t/{topic.id}/vote")

    assert _votes(topic) == (2, 2)


def test_the_author_cannot_vote_for_their_own_topic(client, auth, make_topic, customer):
    topic = make_topic(author=customer, topic_type="idea")
    auth.login()

    assert client.post(f"/t/{topic.id}/vote").status_code == 400
    assert _votes(topic) == (0, 0)


@pytest.mark.parametrize("topic_type", ["question", "praise"])
def test_only_problems_and_ideas_take_votes(client, auth, make_topic, customer, topic_type):
    topic = make_topic(topic_type=topic_type)
    auth.login()

    assert client.post(f"/t/{topic.id}/vote").status_code == 400
    assert _votes(topic) == (0, 0)


def test_voting_needs_login(client, make_topic):
    topic = make_topic(topic_type="idea")

    assert client.post(f"/t/{topic.id}/vote").status_code == 302
    assert _votes(topic) == (0, 0)


# --- statuses -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["rep_private", "moderator", "admin"])
def test_staff_change_the_status(client_as, make_topic, community, who):
    topic = make_topic(topic_type="idea", category=community["cards"])
    staff = client_as(community[who])

    response = staff.post(f"/t/{topic.id}/status", {"status": "planned"})

    assert response.status_code == 302
    db.session.refresh(topic)
    assert topic.status == "planned"
    [change] = db.session.scalars(select(StatusChange).where(StatusChange.topic_id == topic.id))
    assert (change.old_status, change.new_status, change.actor_id) == ("new", "planned", community[who].id)
    assert page(staff.get(response.headers["Location"])).find(id="topic-status").text == "Planned"


def test_a_customer_cannot_change_the_status_even_of_their_own_topic(client, auth, make_topic, customer):
    topic = make_topic(author=customer, topic_type="problem")
    auth.login()
    before = db_snapshot()

    response = client.post(f"/t/{topic.id}/status", {"status": "solved"})

    assert response.status_code == 403
    assert db_snapshot() == before


@pytest.mark.parametrize(
    "topic_type, status",
    [
        ("question", "planned"),
        ("idea", "solved"),
        ("praise", "open"),
        ("problem", "bogus"),
        ("problem", ""),
    ],
)
def test_a_status_foreign_to_the_type_is_refused(client_as, make_topic, community, topic_type, status):
    topic = make_topic(topic_type=topic_type)
    before = db_snapshot()

    response = client_as(community["moderator"]).post(f"/t/{topic.id}/status", {"status": status})

    assert response.status_code == 400
    assert db_snapshot() == before
