"""The response clock follows what happens on the topic: posted, answered officially, waiting for the customer,
the customer's reply, solved and reopened. Everything through the pages people use."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.common.db import utcnow
from app.community.models import Topic
from app.extensions import db
from app.staff import hours, sla
from app.staff import services as staff_services
from tests.helpers import page_text
from tests.staff.conftest import work_of


def _ask(client, category, topic_type="problem", title="My card was blocked abroad"):
    response = client.post(
        "/new",
        {
            "type": topic_type,
            "title": title,
            "body": "It stopped working in Riga.",
            "category_id": str(category.id),
            "mood": "upset",
            "confirmed": "1",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return db.session.scalar(select(Topic).where(Topic.title == title))


def test_posting_starts_the_clock_in_the_departments_working_hours(client_as, customer, community):
    private = community["private"]
    staff_services.update_department_hours(
        community["admin"], private, "Europe/Moscow", [1, 2, 3, 4, 5], 9 * 60, 18 * 60, 6, 40
    )
    db.session.commit()
    topic = _ask(client_as(customer), community["cards"])
    work = work_of(topic)
    cal = hours.Calendar.of("Europe/Moscow", hours.WEEKDAYS, 9 * 60, 18 * 60)
    assert work.waiting_since == topic.created_at
    assert work.first_response_due_at == hours.add_working_hours(cal, topic.created_at, 6)
    assert work.resolution_due_at == hours.add_working_hours(cal, topic.created_at, 40)
    assert hours.working_time_between(cal, topic.created_at, work.first_response_due_at) == timedelta(hours=6)
    assert work.first_response_at is None and work.resolved_at is None and work.assignee_id is None


def test_ideas_have_a_first_answer_target_but_no_solution_target(client_as, customer, staff):
    work = work_of(_ask(client_as(customer), staff["cards"], topic_type="idea"))
    assert work.first_response_due_at is not None and work.resolution_due_at is None


def test_the_first_official_answer_is_recorded_and_a_customer_comment_is_not(client_as, customer, make_user, staff):
    topic = _ask(client_as(customer), staff["cards"])
    client_as(make_user()).post(f"/t/{topic.id}/comments", {"body": "Same here."})
    assert work_of(topic).first_response_at is None
    client_as(staff["rep_private"]).post(f"/t/{topic.id}/comments", {"body": "We are looking into it."})
    work = work_of(topic)
    assert work.first_response_at is not None
    first = work.first_response_at
    client_as(staff["rep_private2"]).post(f"/t/{topic.id}/comments", {"body": "Update: fixed."})
    assert work_of(topic).first_response_at == first  # the first one counts
    assert work_of(topic).resolved_at is None  # a problem is resolved when solved, not when answered


def test_an_official_answer_resolves_a_question(client_as, customer, staff):
    topic = _ask(client_as(customer), staff["cards"], topic_type="question")
    client_as(staff["rep_private"]).post(f"/t/{topic.id}/comments", {"body": "Call us, we unblock it."})
    work = work_of(topic)
    assert work.first_response_at is not None and work.resolved_at is not None


def test_solved_and_reopened(client_as, customer, staff):
    topic = _ask(client_as(customer), staff["cards"])
    rep = client_as(staff["rep_private"])
    rep.post(f"/t/{topic.id}/status", {"status": "solved"})
    assert work_of(topic).resolved_at is not None
    rep.post(f"/t/{topic.id}/status", {"status": "in_progress"})
    work = work_of(topic)
    assert work.resolved_at is None
    assert work.waiting_since >= topic.created_at


def test_marking_a_solution_resolves(client_as, customer, staff):
    topic = _ask(client_as(customer), staff["cards"], topic_type="idea")
    client_as(staff["rep_private"]).post(f"/t/{topic.id}/comments", {"body": "Good idea, planned."})
    db.session.expire_all()
    comment_id = db.session.get(Topic, topic.id).comments[-1].id
    client_as(customer).post(f"/t/{topic.id}/solution", {"comment_id": str(comment_id)})
    assert work_of(topic).resolved_at is not None


def test_waiting_for_the_customer_pauses_the_clock_until_they_answer(client_as, customer, make_user, staff):
    topic = _ask(client_as(customer), staff["cards"])
    rep = client_as(staff["rep_private"])
    rep.post(f"/t/{topic.id}/comments", {"body": "Which card is it, the debit or the credit one?"})
    assert rep.post(f"/staff/t/{topic.id}/waiting", {"waiting": "1"}).status_code == 302
    work = work_of(topic)
    assert work.waiting_for_customer
    due_before = work.resolution_due_at
    # Two hours pass while the customer thinks about it.
    work.waiting_since = utcnow() - timedelta(hours=2)
    db.session.commit()
    # Somebody else's comment does not bring it back; the author's does.
    client_as(make_user()).post(f"/t/{topic.id}/comments", {"body": "Mine is the debit one."})
    assert work_of(topic).waiting_for_customer
    client_as(customer).post(f"/t/{topic.id}/comments", {"body": "The debit one."})
    work = work_of(topic)
    assert not work.waiting_for_customer
    assert abs(work.waiting_since - utcnow()) < timedelta(minutes=1)
    moved = work.resolution_due_at - due_before
    assert timedelta(hours=2) - timedelta(minutes=1) < moved < timedelta(hours=2) + timedelta(minutes=1)


def test_staff_can_take_a_topic_back_from_waiting(client_as, customer, staff):
    topic = _ask(client_as(customer), staff["cards"])
    rep = client_as(staff["rep_private"])
    rep.post(f"/staff/t/{topic.id}/waiting", {"waiting": "1"})
    assert work_of(topic).waiting_for_customer
    rep.post(f"/staff/t/{topic.id}/waiting", {"waiting": "0"})
    assert not work_of(topic).waiting_for_customer


def test_only_the_departments_people_mark_waiting(client_as, customer, staff):
    topic = _ask(client_as(customer), staff["cards"])
    assert client_as(staff["rep_business"]).post(f"/staff/t/{topic.id}/waiting", {"waiting": "1"}).status_code == 403
    assert client_as(customer).post(f"/staff/t/{topic.id}/waiting", {"waiting": "1"}).status_code == 404
    assert client_as(staff["admin"]).post(f"/staff/t/{topic.id}/waiting", {"waiting": "1"}).status_code == 302
    assert client_as(staff["rep_private"]).post(f"/staff/t/{topic.id}/waiting", {"waiting": "x"}).status_code == 400


def test_a_resolved_topic_cannot_wait_for_the_customer(client_as, customer, staff):
    topic = _ask(client_as(customer), staff["cards"], topic_type="question")
    rep = client_as(staff["rep_private"])
    rep.post(f"/t/{topic.id}/comments", {"body": "Answer."})
    response = rep.post(f"/staff/t/{topic.id}/waiting", {"waiting": "1"})
    assert response.status_code == 400
    assert "already resolved" in page_text(response)


def test_topics_older_than_the_workflow_get_their_clock_from_history(make_topic, customer, staff):
    from app.community import services as community_services
    from app.staff.models import TopicWork

    topic = make_topic(author=customer, category=staff["cards"], topic_type="problem")
    answer = community_services.post_comment(staff["rep_private"], topic, "Fixed.")
    db.session.commit()
    db.session.delete(db.session.get(TopicWork, topic.id))
    db.session.commit()
    assert sla.backfill() == 1
    db.session.commit()
    work = work_of(topic)
    assert work.first_response_at == answer.created_at
    assert work.first_response_due_at == topic.created_at + timedelta(hours=6)  # round the clock
    assert sla.backfill() == 0


@pytest.mark.parametrize("days", ["", "9", "0"])
def test_a_broken_calendar_in_the_database_falls_back_instead_of_failing(client_as, customer, staff, days):
    staff["private"].working_days = days
    db.session.commit()
    assert work_of(_ask(client_as(customer), staff["cards"])).first_response_due_at is not None


def test_staff_see_how_long_the_first_answer_and_the_solution_took(client_as, customer, staff):
    from tests.helpers import page
    from tests.staff.conftest import age

    topic = _ask(client_as(customer), staff["cards"], topic_type="question")
    age(topic, 3)
    client_as(staff["rep_private"]).post(f"/t/{topic.id}/comments", {"body": "Here is how."})
    section = page(client_as(staff["rep_private"]).get(f"/t/{topic.id}", follow_redirects=True)).find(
        "section", id="staff-panel"
    )
    assert "after 3 h 00 min of working time" in section.find("dd", id="work-first-response").text
    assert "Resolved" in section.find("dd", id="work-deadlines").text
