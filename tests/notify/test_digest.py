"""`flask notify digest`: once a day each department lead gets the overdue topics of their departments."""

from datetime import timedelta

from sqlalchemy import update

from app.common.db import utcnow
from app.extensions import db
from app.notify.links import unsubscribe_url
from app.staff import services as staff_services
from app.staff.models import TopicWork
from tests.notify.smtp import html_part, text_part


def _overdue(topic, hours=3):
    db.session.execute(
        update(TopicWork)
        .where(TopicWork.topic_id == topic.id)
        .values(first_response_due_at=utcnow() - timedelta(hours=hours))
    )
    db.session.commit()


def test_leads_get_the_overdue_digest_once_a_day(mail, runner, community, customer, make_topic, make_user):
    lead = community["rep_private"]
    staff_services.set_department_leads(community["admin"], community["private"], [lead.id])
    db.session.commit()
    late = make_topic(author=customer, category=community["cards"], title="Nobody answers me")
    private_late = make_topic(author=make_user(), category=community["cards"], title="A private wait", is_private=True)
    make_topic(author=customer, category=community["cards"], title="Still in time")
    business_late = make_topic(author=customer, category=community["acquiring"], title="Terminal is broken")
    for topic in (late, private_late, business_late):
        _overdue(topic)
    mail.deliveries.clear()

    result = runner.invoke(args=["notify", "digest"])

    assert result.exit_code == 0, result.output
    assert "queued 1 new digests" in result.output  # Business has no lead
    [digest] = mail.messages
    assert digest["To"] == lead.email
    assert digest["Subject"] == "2 overdue topics"
    text = text_part(digest)
    assert "== Private clients (2) ==" in text
    assert "Nobody answers me" in text and "A private wait" in text  # leads are staff: they see private topics
    assert "Still in time" not in text and "Terminal is broken" not in text
    assert "no first answer yet" in text
    assert "https://support.bank.example/staff/" in text
    assert "Nobody answers me" in html_part(digest)
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    result = runner.invoke(args=["notify", "digest"])
    assert "queued 0 new digests" in result.output
    assert len(mail.messages) == 1


def test_no_digest_when_nothing_is_overdue_or_the_lead_unsubscribed(
    mail, runner, client, community, customer, make_topic
):
    lead = community["rep_business"]
    staff_services.set_department_leads(community["admin"], community["business"], [lead.id])
    db.session.commit()
    topic = make_topic(author=customer, category=community["acquiring"])
    mail.deliveries.clear()
    runner.invoke(args=["notify", "digest"])
    assert mail.messages == []

    _overdue(topic)
    link = unsubscribe_url(lead.id, "digest")  # the link in yesterday's digest
    assert client.post_raw(link.removeprefix("https://support.bank.example")).status_code == 200
    runner.invoke(args=["notify", "digest"])
    assert mail.messages == []
