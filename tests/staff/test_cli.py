"""`flask staff backfill` starts the clocks of topics older than the workflow; `flask staff overdue` lists them."""

from app.extensions import db
from app.staff.models import TopicWork
from tests.staff.conftest import age, work_of


def test_backfill_and_overdue(runner, make_topic, customer, staff):
    topic = make_topic(author=customer, title="Posted before the workflow", category=staff["cards"])
    age(topic, 30)
    db.session.delete(db.session.get(TopicWork, topic.id))
    db.session.commit()
    result = runner.invoke(args=["staff", "backfill"])
    assert result.exit_code == 0 and "created for 1 topics" in result.output
    assert work_of(topic).first_response_due_at is not None
    result = runner.invoke(args=["staff", "overdue"])
    assert result.exit_code == 0
    assert "Private clients: 1" in result.output and "Posted before the workflow" in result.output
    assert "Business: 0" in result.output
