"""Changing a department's working hours queues its past days in the roll-up outbox: the response times shown
in working hours follow without a manual rebuild."""

from datetime import datetime, time, timedelta

from app.common.db import utcnow
from app.extensions import db
from app.staff import services as staff_services


def test_new_working_hours_recompute_past_response_times(app, client_as, community, make_topic):
    """A department moves from round the clock to 9:00-18:00 on weekdays: the response times of its past topics,
    shown in working hours, are computed again through the roll-up outbox (no manual rebuild)."""
    from app.staff import hours
    from app.staff.models import TopicWork

    admin = community["admin"]
    staff_services.update_department_hours(admin, community["private"], "UTC", hours.ALL_DAYS, 0, 24 * 60, 6, 40)
    db.session.commit()
    today = utcnow().date()
    monday = today - timedelta(days=today.weekday() + 7)  # last week's Monday
    created = datetime.combine(monday, time(20))  # answered next morning at 10:00: 14 h round the clock
    topic = make_topic(title="Card question at night", category=community["cards"])
    topic.created_at = created
    db.session.get(TopicWork, topic.id).first_response_at = created + timedelta(hours=14)
    db.session.commit()

    def median() -> str:
        csv = client_as(admin).get("/admin/analytics/service-levels.csv?period=30").get_data().decode("utf-8-sig")
        return next(line for line in csv.splitlines() if line.startswith("Department,Private clients,")).split(",")[3]

    assert median() == "14.0"
    settings = {
        "time_zone": "UTC",
        "working_days": ["1", "2", "3", "4", "5"],
        "open_time": "9:00",
        "close_time": "18:00",
        "first_response_hours": "6",
        "resolution_hours": "40",
    }
    response = client_as(admin).post(f"/staff/departments/{community['private'].id}/settings", settings)
    assert response.status_code == 302
    assert median() == "1.0"  # 9:00-10:00 on Tuesday
