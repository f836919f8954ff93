"""The ask form tells customers when to expect an answer, in the hours of the department behind the category."""

import json
from datetime import timedelta

from babel.dates import format_datetime

from app.common.db import utcnow
from app.extensions import db
from app.staff import services as staff_services
from tests.helpers import page


def expectation(response):
    return page(response).find("p", id="ask-expectation")


def test_round_the_clock_departments_are_at_work_now(client_as, customer, staff):
    before = utcnow() + timedelta(hours=6)
    note = expectation(client_as(customer).get("/new"))
    after = utcnow() + timedelta(hours=6)
    assert note.text.startswith("Our representatives are at work now (round the clock); expect an answer by ")
    assert any(format_datetime(due, "HH:mm", locale="en") in note.text for due in (before, after))


def test_out_of_hours_the_form_names_the_hours_and_the_day(client_as, customer, staff):
    # Work only on the weekday three days from now (UTC), 9:00–18:00: closed today whatever the hour.
    day = utcnow() + timedelta(days=3)
    staff_services.update_department_hours(
        staff["admin"], staff["private"], "UTC", [day.isoweekday()], 9 * 60, 18 * 60, 6, 40
    )
    db.session.commit()
    note = expectation(client_as(customer).get("/new", query_string={"category": staff["cards"].id}))
    weekday_short = format_datetime(day, "EEE", locale="en")
    weekday = format_datetime(day, "EEEE", locale="en")
    texts = json.loads(note.get("data-by-category"))
    assert texts[str(staff["cards"].id)] == (
        f"Our representatives answer 9:00–18:00, {weekday_short} (UTC); expect an answer by {weekday} 15:00."
    )


def test_each_category_carries_its_departments_text(client_as, customer, staff):
    staff_services.update_department_hours(
        staff["admin"], staff["business"], "Europe/Moscow", [1, 2, 3, 4, 5], 9 * 60, 18 * 60, 6, 40
    )
    db.session.commit()
    note = expectation(client_as(customer).get("/new"))
    texts = json.loads(note.get("data-by-category"))
    assert "round the clock" in texts[str(staff["cards"].id)]
    assert "9:00–18:00, Mon–Fri (Moscow time, UTC+3)" in texts[str(staff["acquiring"].id)]


def test_the_chosen_category_decides_after_a_form_error(client_as, customer, staff):
    staff_services.update_department_hours(
        staff["admin"], staff["business"], "Europe/Moscow", [1, 2, 3, 4, 5], 9 * 60, 18 * 60, 6, 40
    )
    db.session.commit()
    response = client_as(customer).post(
        "/new",
        {"type": "question", "title": "", "body": "x", "category_id": str(staff["acquiring"].id), "mood": "upset"},
    )
    assert response.status_code == 422
    assert "Moscow time" in expectation(response).text


def test_in_russian(client_as, customer, staff):
    response = client_as(customer).get("/new?lang=ru")
    assert expectation(response) is not None
