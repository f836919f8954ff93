"""Department settings: working hours, targets and leads, for admins and the department's leads only."""

import pytest

from app.extensions import db
from app.staff import access
from app.staff.models import Department
from tests.helpers import form_errors, page

GOOD = {
    "time_zone": "Europe/Moscow",
    "working_days": ["1", "2", "3", "4", "5", "6"],
    "open_time": "8:30",
    "close_time": "20:00",
    "first_response_hours": "4",
    "resolution_hours": "24",
}


def url(department):
    return f"/staff/departments/{department.id}/settings"


def reload(department) -> Department:
    db.session.expire_all()
    return db.session.get(Department, department.id)


def test_a_lead_changes_the_hours_of_their_department(client_as, staff):
    response = client_as(staff["rep_private"]).post(url(staff["private"]), GOOD)
    assert response.status_code == 302
    d = reload(staff["private"])
    assert (d.time_zone, d.working_days, d.open_minute, d.close_minute) == ("Europe/Moscow", "123456", 510, 1200)
    assert (d.first_response_hours, d.resolution_hours) == (4, 24)
    shown = page(client_as(staff["rep_private"]).get(url(staff["private"]))).find("p", id="current-hours").text
    assert "8:30–20:00, Mon–Sat (Moscow time, UTC+3)" in shown


def test_the_form_shows_the_current_settings(client_as, staff):
    form = page(client_as(staff["admin"]).get(url(staff["private"])))
    assert form.find("input", id="open_time").get("value") == "0:00"
    assert form.find("input", id="close_time").get("value") == "24:00"
    assert "selected" in dict(form.find("option", value="UTC").attrs)


def test_no_resolution_target(client_as, staff):
    client_as(staff["admin"]).post(url(staff["private"]), {**GOOD, "resolution_hours": ""})
    assert reload(staff["private"]).resolution_hours is None


@pytest.mark.parametrize("who", ["rep_private2", "rep_business", "moderator"])
def test_others_get_404(client_as, staff, who):
    client = client_as(staff[who])
    assert client.get(url(staff["private"])).status_code == 404
    assert client.post(url(staff["private"]), GOOD).status_code == 404
    assert reload(staff["private"]).time_zone == "UTC"


def test_customers_get_404(client_as, customer, staff):
    assert client_as(customer).get(url(staff["private"])).status_code == 404
    assert client_as(staff["admin"]).get("/staff/departments/999999/settings").status_code == 404


@pytest.mark.parametrize(
    "field, value",
    [
        ("time_zone", "Mars/Olympus"),
        ("time_zone", "../../etc/passwd"),
        ("open_time", "25:00"),
        ("open_time", "nine"),
        ("close_time", "7:00"),
        ("close_time", "24:30"),
        ("first_response_hours", "0"),
        ("first_response_hours", "-3"),
        ("first_response_hours", "many"),
        ("resolution_hours", "100000"),
    ],
)
def test_bad_values_are_form_errors(client_as, staff, field, value):
    response = client_as(staff["admin"]).post(url(staff["private"]), {**GOOD, field: value})
    assert response.status_code == 422 and form_errors(response)
    assert reload(staff["private"]).time_zone == "UTC"


def test_no_working_days_is_a_form_error(client_as, staff):
    data = {k: v for k, v in GOOD.items() if k != "working_days"}
    response = client_as(staff["admin"]).post(url(staff["private"]), data)
    assert response.status_code == 422 and "Choose at least one working day." in form_errors(response)


def test_admins_choose_the_leads_and_leads_cannot(client_as, staff):
    private = staff["private"]
    rita = staff["rep_private2"]
    client_as(staff["rep_private"]).post(url(private), {**GOOD, "lead_ids": [str(rita.id)]})
    assert access.lead_department_ids(rita) == set()  # a lead changes hours, not leads
    assert access.lead_department_ids(staff["rep_private"]) == {private.id}
    client_as(staff["admin"]).post(url(private), {**GOOD, "lead_ids": [str(rita.id)]})
    assert access.lead_department_ids(rita) == {private.id}
    assert access.lead_department_ids(staff["rep_private"]) == set()
    response = client_as(staff["admin"]).post(url(private), {**GOOD, "lead_ids": [str(staff["rep_business"].id)]})
    assert response.status_code == 422  # not a member


def test_leaving_a_department_ends_the_lead_role_and_members_keep_theirs(staff):
    from app.staff import services

    private = staff["private"]
    services.set_members(private, [staff["rep_private"], staff["rep_private2"], staff["moderator"]])
    db.session.commit()
    assert access.lead_department_ids(staff["rep_private"]) == {private.id}  # kept through the change of members
    services.set_members(private, [staff["rep_private2"]])
    db.session.commit()
    assert access.lead_department_ids(staff["rep_private"]) == set()
    assert [u.id for u in reload(private).members] == [staff["rep_private2"].id]


def test_the_queue_page_links_to_the_settings_for_leads_only(client_as, staff):
    link = f'href="{url(staff["private"])}"'
    assert link in client_as(staff["rep_private"]).get("/staff/").get_data(as_text=True)
    assert link not in client_as(staff["rep_private2"]).get("/staff/").get_data(as_text=True)
