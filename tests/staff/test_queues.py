"""The queues at /staff/: the right topics per role and department, in the right queue, longest wait first,
with counts in the staff navigation and overdue flags."""

import pytest

from app.community import services as community_services
from app.extensions import db
from app.staff import services as staff_services
from tests.helpers import count_statements, page
from tests.staff.conftest import age, work_of


def queue_ids(client, queue="new", **params) -> list[int]:
    response = client.get("/staff/", query_string={"queue": queue, **params})
    assert response.status_code == 200
    return [int(row.get("data-topic")) for row in page(response).find_all("tr", class_="queue-row")]


@pytest.fixture
def board(staff, make_topic, make_user, customer):
    """One topic in each state, in Private clients unless said otherwise."""
    rep, admin = staff["rep_private"], staff["admin"]

    def topic(title, category=None, topic_type="problem", hours_ago=1):
        t = make_topic(author=customer, title=title, category=category or staff["cards"], topic_type=topic_type)
        age(t, hours_ago)
        return t

    t = {
        "new_old": topic("Unanswered for five hours", hours_ago=5),
        "new_fresh": topic("Unanswered for an hour", hours_ago=1),
        "overdue": topic("Unanswered for two days", hours_ago=48),
        "answered": topic("Answered but not solved", hours_ago=3),
        "mine": topic("Assigned to Pavel", hours_ago=2),
        "waiting": topic("Waiting for the customer", hours_ago=4),
        "solved": topic("Solved yesterday", hours_ago=30),
        "business": topic("A business topic", category=staff["acquiring"], hours_ago=2),
    }
    community_services.post_comment(rep, t["answered"], "We are on it.")
    community_services.post_comment(rep, t["mine"], "We are on it.")
    staff_services.assign_topic(admin, t["mine"], rep)
    staff_services.set_waiting_for_customer(rep, t["waiting"], True)
    community_services.change_status(rep, t["solved"], "solved")
    db.session.commit()
    return {key: value.id for key, value in t.items()}


def test_each_queue_shows_its_topics_longest_wait_first(client_as, board, staff):
    rep = client_as(staff["rep_private"])
    assert queue_ids(rep, "new") == [board["overdue"], board["new_old"], board["new_fresh"]]
    assert queue_ids(rep, "mine") == [board["mine"]]
    assert queue_ids(rep, "overdue") == [board["overdue"]]
    assert queue_ids(rep, "waiting") == [board["waiting"]]
    assert queue_ids(rep, "solved") == [board["solved"]]


def test_counts_on_the_tabs_and_in_the_navigation(client_as, board, staff):
    response = client_as(staff["rep_private"]).get("/staff/")
    tabs = {
        a.get("data-queue"): a.find("span", class_="n").text
        for a in page(response).find_all("a")
        if a.get("data-queue")
    }
    assert tabs == {"new": "3", "mine": "1", "overdue": "1", "waiting": "1", "solved": "1"}
    nav = page(response).find("a", class_="staff-nav")
    assert nav.text == "Queues (3) 1 overdue"
    # On every page, not just the queues
    assert page(client_as(staff["rep_private"]).get("/")).find("a", class_="staff-nav").text.startswith("Queues (3)")


def test_representatives_see_their_own_departments_only(client_as, board, staff):
    business = client_as(staff["rep_business"])
    assert queue_ids(business, "new") == [board["business"]]
    assert queue_ids(business, "mine") == []
    private = client_as(staff["rep_private2"])
    assert board["business"] not in queue_ids(private, "new")
    assert queue_ids(private, "mine") == []  # Pavel's topic is not Rita's


def test_admins_see_every_department_and_can_narrow_to_one(client_as, board, staff):
    admin = client_as(staff["admin"])
    assert set(queue_ids(admin, "new")) == {board["overdue"], board["new_old"], board["new_fresh"], board["business"]}
    assert queue_ids(admin, "new", department=staff["business"].id) == [board["business"]]


def test_a_department_filter_outside_ones_departments_is_ignored(client_as, board, staff):
    assert queue_ids(client_as(staff["rep_business"]), "new", department=staff["private"].id) == [board["business"]]


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("customer", 404), ("moderator", 404)])
def test_no_queues_for_customers_and_people_without_departments(client_as, customer, staff, who, status):
    user = {"anonymous": None, "customer": customer, "moderator": staff["moderator"]}[who]
    client = client_as(user)
    assert client.get("/staff/").status_code == status
    assert page(client.get("/")).find("a", class_="staff-nav") is None


def test_a_moderator_in_a_department_works_its_queue(client_as, board, staff):
    staff["moderator"].departments = [staff["business"]]
    db.session.commit()
    assert queue_ids(client_as(staff["moderator"]), "new") == [board["business"]]


def test_overdue_rows_are_flagged_with_the_time_overdue(client_as, board, staff):
    response = client_as(staff["rep_private"]).get("/staff/", query_string={"queue": "new"})
    rows = {int(r.get("data-topic")): r for r in page(response).find_all("tr", class_="queue-row")}
    assert "overdue" in rows[board["overdue"]].classes
    assert "First answer: overdue by 42 h 00 min" in rows[board["overdue"]].text  # 48 h since posting, 6 h target
    assert "Solution: overdue by 8 h 00 min" in rows[board["overdue"]].text  # 40 h target
    assert "overdue" not in rows[board["new_fresh"]].classes
    assert "First answer: 5 h 00 min left" in rows[board["new_fresh"]].text


def test_deleted_topics_leave_the_queues(client_as, board, staff):
    from app.community.models import Topic

    topic = db.session.get(Topic, board["new_old"])
    community_services.delete_topic(staff["admin"], topic)
    db.session.commit()
    assert board["new_old"] not in queue_ids(client_as(staff["rep_private"]), "new")


def test_a_customer_reply_brings_a_waiting_topic_back(client_as, board, staff, customer):
    from app.community.models import Topic

    client_as(customer).post(f"/t/{board['waiting']}/comments", {"body": "Here is the receipt."})
    rep = client_as(staff["rep_private"])
    assert queue_ids(rep, "waiting") == []
    assert board["waiting"] in queue_ids(rep, "new")
    assert not work_of(db.session.get(Topic, board["waiting"])).waiting_for_customer


@pytest.mark.parametrize("queue", ["new", "mine", "overdue", "waiting", "solved"])
def test_a_queue_page_costs_the_same_for_3_and_30_topics(client_as, staff, customer, queue):
    rep = staff["rep_private"]
    client = client_as(rep)

    def add(n):
        for i in range(n):
            topic = community_services.create_topic(
                customer, "problem", f"Problem number {i} of {n}", "Details.", staff["cards"].id, mood="upset"
            )
            if queue in ("mine", "waiting"):
                community_services.post_comment(rep, topic, "On it.")
                staff_services.assign_topic(staff["admin"], topic, [rep, staff["rep_private2"]][i % 2])
            if queue == "waiting":
                staff_services.set_waiting_for_customer(rep, topic, True)
            if queue == "solved":
                community_services.change_status(rep, topic, "solved")
            if queue == "overdue":
                db.session.flush()
                age(topic, 10)
        db.session.commit()

    counts = []
    for n in (3, 27):
        add(n)
        with count_statements() as statements:
            response = client.get("/staff/", query_string={"queue": queue})
        assert response.status_code == 200
        counts.append(len(statements))
    assert len(queue_ids(client, queue)) == (16 if queue == "mine" else 30)  # every second one is Rita's
    assert counts[0] == counts[1], counts
