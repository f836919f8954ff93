"""Assignment and hand-offs: who may do them, and the history staff see on the topic so nothing ping-pongs unseen."""

import pytest
from sqlalchemy import select

from app.community.models import Topic
from app.extensions import db
from app.staff.models import Assignment
from tests.helpers import flashes, form_errors, page, page_text
from tests.staff.conftest import work_of


@pytest.fixture
def topic(make_topic, customer, staff):
    return make_topic(author=customer, title="Card blocked in Riga", category=staff["cards"], topic_type="problem")


def history(topic) -> list[Assignment]:
    db.session.expire_all()
    return list(db.session.scalars(select(Assignment).where(Assignment.topic_id == topic.id).order_by(Assignment.id)))


def panel(client, topic):
    response = client.get(f"/t/{topic.id}", follow_redirects=True)
    assert response.status_code == 200
    return page(response).find("section", id="staff-panel")


def test_a_lead_assigns_a_representative_and_staff_see_it(client_as, topic, staff):
    lead = client_as(staff["rep_private"])
    response = lead.post(
        f"/staff/t/{topic.id}/assign", {"assignee_id": str(staff["rep_private2"].id), "note": "Rita knows Riga."}
    )
    assert response.status_code == 302
    assert work_of(topic).assignee_id == staff["rep_private2"].id
    [entry] = history(topic)
    assert (entry.actor_id, entry.from_user_id, entry.to_user_id) == (
        staff["rep_private"].id,
        None,
        staff["rep_private2"].id,
    )
    assert entry.from_department_id == entry.to_department_id == staff["private"].id
    section = panel(client_as(staff["rep_business"]), topic)
    assert section.find("dd", id="work-assignee").text == "Rita Second"
    assert "Pavel Private assigned it to Rita Second" in section.find("ol", id="work-history").text
    assert "Rita knows Riga." in section.find("ol", id="work-history").text


def test_assigning_the_same_person_again_records_nothing(client_as, topic, staff):
    lead = client_as(staff["rep_private"])
    for _ in range(2):
        lead.post(f"/staff/t/{topic.id}/assign", {"assignee_id": str(staff["rep_private2"].id)})
    assert len(history(topic)) == 1
    lead.post(f"/staff/t/{topic.id}/assign", {"assignee_id": "0"})
    assert work_of(topic).assignee_id is None
    assert "removed the assignee" in panel(lead, topic).find("ol", id="work-history").text


def test_a_member_takes_a_topic_but_cannot_assign_others(client_as, topic, staff):
    rita = client_as(staff["rep_private2"])
    assert rita.post(f"/staff/t/{topic.id}/assign", {"assignee_id": str(staff["rep_private"].id)}).status_code == 403
    assert work_of(topic).assignee_id is None
    assert rita.post(f"/staff/t/{topic.id}/take").status_code == 302
    assert work_of(topic).assignee_id == staff["rep_private2"].id
    assert history(topic)[-1].actor_id == staff["rep_private2"].id


def test_a_representative_of_another_department_cannot_take_it(client_as, topic, staff):
    assert client_as(staff["rep_business"]).post(f"/staff/t/{topic.id}/take").status_code == 403
    assert work_of(topic).assignee_id is None


def test_only_members_of_the_topics_department_can_be_assigned(client_as, topic, staff):
    response = client_as(staff["admin"]).post(
        f"/staff/t/{topic.id}/assign", {"assignee_id": str(staff["rep_business"].id)}
    )
    assert response.status_code == 422
    assert form_errors(response)  # not one of the choices
    assert work_of(topic).assignee_id is None and history(topic) == []


@pytest.mark.parametrize("who, status", [("customer", 404), ("moderator", 403), ("rep_business", 403)])
def test_who_may_not_assign(client_as, topic, staff, customer, who, status):
    user = customer if who == "customer" else staff[who]
    response = client_as(user).post(f"/staff/t/{topic.id}/assign", {"assignee_id": str(staff["rep_private"].id)})
    assert response.status_code == status
    assert history(topic) == []


def test_a_hand_off_moves_the_topic_with_a_note_and_history(client_as, topic, staff, customer):
    lead = client_as(staff["rep_private"])
    lead.post(f"/staff/t/{topic.id}/assign", {"assignee_id": str(staff["rep_private2"].id)})
    response = lead.post(
        f"/staff/t/{topic.id}/hand-off",
        {"department_id": str(staff["business"].id), "note": "It is an acquiring terminal."},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Topic, topic.id).department_id == staff["business"].id
    assert work_of(topic).assignee_id is None  # the new department decides who
    entry = history(topic)[-1]
    assert (entry.from_department_id, entry.to_department_id) == (staff["private"].id, staff["business"].id)
    assert entry.from_user_id == staff["rep_private2"].id and entry.note == "It is an acquiring terminal."
    # Customers see who is responsible now, but not the note.
    customer_page = page_text(client_as(customer).get(f"/t/{topic.id}", follow_redirects=True))
    assert "Responsible: Business" in customer_page and "acquiring terminal" not in customer_page
    # The new department works it; the old one no longer sees it in its queues.
    business = client_as(staff["rep_business"])
    assert topic.id in [
        int(r.get("data-topic")) for r in page(business.get("/staff/")).find_all("tr", class_="queue-row")
    ]
    assert topic.id not in [
        int(r.get("data-topic")) for r in page(lead.get("/staff/")).find_all("tr", class_="queue-row")
    ]
    text = panel(business, topic).find("ol", id="work-history").text
    assert "Pavel Private handed the topic from Private clients to Business" in text


def test_ping_pong_stays_visible(client_as, topic, staff):
    staff_services_lead_business(staff)
    client_as(staff["rep_private"]).post(
        f"/staff/t/{topic.id}/hand-off", {"department_id": str(staff["business"].id), "note": "Theirs."}
    )
    client_as(staff["rep_business"]).post(
        f"/staff/t/{topic.id}/hand-off", {"department_id": str(staff["private"].id), "note": "No, yours."}
    )
    entries = history(topic)
    assert [(e.from_department_id, e.to_department_id) for e in entries] == [
        (staff["private"].id, staff["business"].id),
        (staff["business"].id, staff["private"].id),
    ]
    items = panel(client_as(staff["rep_private2"]), topic).find("ol", id="work-history").find_all("li")
    assert ["Theirs." in items[0].text, "No, yours." in items[1].text] == [True, True]


def staff_services_lead_business(staff):
    from app.staff import services

    services.set_department_leads(staff["admin"], staff["business"], [staff["rep_business"].id])
    db.session.commit()


def test_a_hand_off_needs_a_note_and_another_department(client_as, topic, staff):
    lead = client_as(staff["rep_private"])
    response = lead.post(f"/staff/t/{topic.id}/hand-off", {"department_id": str(staff["business"].id), "note": "  "})
    assert response.status_code == 422 and form_errors(response)
    response = lead.post(f"/staff/t/{topic.id}/hand-off", {"department_id": str(staff["private"].id), "note": "x"})
    assert response.status_code == 422
    response = lead.post(f"/staff/t/{topic.id}/hand-off", {"department_id": "999999", "note": "x"})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Topic, topic.id).department_id == staff["private"].id and history(topic) == []


def test_only_leads_and_admins_hand_off(client_as, topic, staff, customer):
    data = {"department_id": str(staff["business"].id), "note": "Not ours."}
    assert client_as(staff["rep_private2"]).post(f"/staff/t/{topic.id}/hand-off", data).status_code == 403
    assert client_as(customer).post(f"/staff/t/{topic.id}/hand-off", data).status_code == 404
    assert client_as(staff["admin"]).post(f"/staff/t/{topic.id}/hand-off", data).status_code == 302


def test_the_forms_shown_match_what_one_may_do(client_as, topic, staff, customer):
    lead_panel = panel(client_as(staff["rep_private"]), topic)
    assert lead_panel.find("form", action=f"/staff/t/{topic.id}/assign") is not None
    assert lead_panel.find("form", action=f"/staff/t/{topic.id}/hand-off") is not None
    member_panel = panel(client_as(staff["rep_private2"]), topic)
    assert member_panel.find("form", action=f"/staff/t/{topic.id}/assign") is None
    assert member_panel.find("form", action=f"/staff/t/{topic.id}/take") is not None
    assert (
        page(client_as(customer).get(f"/t/{topic.id}", follow_redirects=True)).find("section", id="staff-panel") is None
    )
    assert page(client_as(None).get(f"/t/{topic.id}", follow_redirects=True)).find("section", id="staff-panel") is None


def test_staff_actions_need_the_csrf_token(client_as, topic, staff):
    lead = client_as(staff["rep_private"])
    response = lead.post_raw(f"/staff/t/{topic.id}/assign", data={"assignee_id": str(staff["rep_private2"].id)})
    assert response.status_code == 400
    assert work_of(topic).assignee_id is None


def test_the_flash_after_assignment(client_as, topic, staff):
    lead = client_as(staff["rep_private"])
    response = lead.post(
        f"/staff/t/{topic.id}/assign", {"assignee_id": str(staff["rep_private2"].id)}, follow_redirects=True
    )
    assert "Assigned to Rita Second." in flashes(response)


def test_a_moderators_move_to_another_department_is_in_the_history(client_as, topic, staff):
    moderation = pytest.importorskip("app.moderation.services", reason="moves come with app.moderation")
    client_as(staff["rep_private"]).post(f"/staff/t/{topic.id}/take")
    moderation.move_topic(staff["moderator"], db.session.get(Topic, topic.id), staff["acquiring"].id, "problem")
    db.session.commit()
    entry = history(topic)[-1]
    assert (entry.from_department_id, entry.to_department_id) == (staff["private"].id, staff["business"].id)
    assert entry.actor_id == staff["moderator"].id and entry.from_user_id == staff["rep_private"].id
    assert work_of(topic).assignee_id is None
    text = panel(client_as(staff["rep_business"]), topic).find("ol", id="work-history").text
    assert "Mona Moderator handed the topic from Private clients to Business" in text


def test_a_merged_duplicate_leaves_the_queues(client_as, topic, make_topic, customer, staff):
    moderation = pytest.importorskip("app.moderation.services", reason="merges come with app.moderation")
    duplicate = make_topic(
        author=customer, title="Card blocked in Riga again", category=staff["cards"], topic_type="problem"
    )
    moderation.merge_topic(staff["moderator"], duplicate, topic)
    db.session.commit()
    assert work_of(duplicate).resolved_at is not None
    ids = [
        int(r.get("data-topic"))
        for r in page(client_as(staff["rep_private"]).get("/staff/")).find_all("tr", class_="queue-row")
    ]
    assert ids == [topic.id]
