"""The staff side of the `community` fixture: a lead, a second representative, calendars, clocks in the past."""

from datetime import timedelta

import pytest

from app.common.db import utcnow
from app.extensions import db
from app.staff import hours, sla
from app.staff import services as staff_services
from app.staff.models import TopicWork


@pytest.fixture
def staff(community, make_user):
    """`community` plus: Pavel Private leads Private clients, Rita is a second (non-lead) representative there,
    and both departments work round the clock (due times then follow the wall clock, whatever day tests run)."""
    data = dict(community)
    data["rep_private2"] = make_user("representative", "rita@test.example", "Rita Second", [community["private"]])
    admin = community["admin"]
    for department in (community["private"], community["business"]):
        staff_services.update_department_hours(admin, department, "UTC", hours.ALL_DAYS, 0, 24 * 60, 6, 40)
    staff_services.set_department_leads(admin, community["private"], [community["rep_private"].id])
    db.session.commit()
    return data


def work_of(topic) -> TopicWork:
    db.session.expire_all()
    return db.session.get(TopicWork, topic.id)


def age(topic, hours_ago: float) -> TopicWork:
    """Pretend the topic was posted `hours_ago` hours ago (its clock recomputed from that moment)."""
    topic.created_at = utcnow() - timedelta(hours=hours_ago)
    work = sla.rebuild(topic)
    db.session.commit()
    return work
