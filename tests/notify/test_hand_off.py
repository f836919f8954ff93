"""A topic handed to another department (app.staff) reaches that department's representatives by e-mail, with
who handed it over and the hand-off note; never the person who handed it over, the old department, the customer
or other followers. Checked at a real SMTP server, through the staff panel's hand-off form."""

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.community import services as community_services
from app.extensions import db
from app.notify.models import MailMessage
from app.notify.sender import send_queued
from app.staff import services as staff_services
from tests.helpers import page_text, parse
from tests.notify.smtp import html_part, text_part

NOTE = "HANDOFF-NOTE: it is an acquiring terminal, please call the shop."
BASE = "https://support.bank.example"


def _recipients(server) -> list[str]:
    return sorted(address for d in server.deliveries for address in d.rcpt_tos)


def _hand_off(client_as, actor, topic, department, note=NOTE):
    response = client_as(actor).post(
        f"/staff/t/{topic.id}/hand-off", {"department_id": str(department.id), "note": note}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


@pytest.fixture
def desk(mail, community, customer, make_user, make_topic):
    """Pavel leads Private clients, Rita is a second representative there; Bella is a second representative of
    Business. A customer's topic in Private clients that a neighbour follows; the mailbox is empty."""
    data = dict(community)
    data["rita"] = make_user("representative", "rita@test.example", "Rita Second", [community["private"]])
    data["bella"] = make_user("representative", "bella@test.example", "Bella Business", [community["business"]])
    staff_services.set_department_leads(community["admin"], community["private"], [community["rep_private"].id])
    db.session.commit()
    topic = make_topic(author=customer, category=community["cards"], title="Terminal for my shop")
    data["neighbour"] = make_user(email="neighbour@test.example", name="Nina Neighbour")
    community_services.post_comment(data["neighbour"], topic, "Same question here.")
    db.session.commit()
    data["topic"] = topic
    mail.deliveries.clear()
    return data


def test_the_receiving_department_gets_exactly_one_e_mail_each(mail, desk, client_as):
    _hand_off(client_as, desk["rep_private"], desk["topic"], desk["business"])

    # Business only: not Pavel who handed it over, not Rita (old department), not the customer or the neighbour.
    assert _recipients(mail) == ["bella@test.example", "rep.business@test.example"]
    assert len(mail.inbox("rep.business@test.example")) == 1
    message = mail.inbox("rep.business@test.example")[0]
    assert message["Subject"] == "Handed over to Business: Terminal for my shop"
    text = text_part(message).replace("\r\n", "\n")
    assert "Pavel Private handed a topic over from Private clients to Business:" in text
    assert f"Hand-off note (for staff only):\n{NOTE}" in text
    topic_url = f"{BASE}/t/{desk['topic'].id}-terminal-for-my-shop"
    assert f"Answer it: {topic_url}" in text
    assert "You get this e-mail because you represent Business." in text
    root = parse(html_part(message))
    assert NOTE in root.find("div", class_="note").text
    assert root.find("h1").find("a").get("href") == topic_url
    assert message["In-Reply-To"] == f"<topic-{desk['topic'].id}.otklik@test.example>"


def test_the_link_in_the_e_mail_opens_the_topic_for_the_representative(mail, desk, client_as):
    _hand_off(client_as, desk["rep_private"], desk["topic"], desk["business"])
    message = mail.inbox("rep.business@test.example")[0]
    url = parse(html_part(message)).find("h1").find("a").get("href")
    assert url.startswith(BASE + "/")

    response = client_as(desk["rep_business"]).get(url.removeprefix(BASE))

    assert response.status_code == 200
    assert "Terminal for my shop" in page_text(response)


def test_every_hand_off_mail_has_the_one_click_unsubscribe_link_and_a_plain_text_part(mail, desk, client_as):
    _hand_off(client_as, desk["rep_private"], desk["topic"], desk["business"])
    message = mail.inbox("bella@test.example")[0]

    header = message["List-Unsubscribe"]
    assert header.startswith(f"<{BASE}/unsubscribe/") and header.endswith(">")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"Unsubscribe: {header[1:-1]}" in text_part(message)
    assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None


def test_the_actor_gets_nothing_even_as_a_member_of_the_receiving_department(mail, desk, client_as):
    admin = desk["admin"]
    admin.departments = [desk["business"]]
    db.session.commit()

    _hand_off(client_as, admin, desk["topic"], desk["business"])

    assert _recipients(mail) == ["bella@test.example", "rep.business@test.example"]
    assert "Ada Admin handed a topic over from Private clients to Business:" in text_part(mail.messages[0])


def test_the_note_never_reaches_customers_or_followers(mail, desk, client_as, customer):
    _hand_off(client_as, desk["rep_private"], desk["topic"], desk["business"])
    # The new department answers: the customer and the neighbour hear of the answer, not of the note.
    community_services.post_comment(desk["rep_business"], desk["topic"], "We will call you today.")
    db.session.commit()

    assert mail.inbox("customer@test.example") and mail.inbox("neighbour@test.example")
    for address in ("customer@test.example", "neighbour@test.example", "rep.private@test.example", "rita@test.example"):
        for message in mail.inbox(address):
            assert "HANDOFF-NOTE" not in message.as_string()
    staff_ids = {desk["rep_business"].id, desk["bella"].id}
    with_note = db.session.scalars(select(MailMessage).where(MailMessage.body_text.contains("HANDOFF-NOTE"))).all()
    assert {m.recipient_id for m in with_note} == staff_ids


def test_a_private_topic_reaches_the_receiving_representatives(mail, desk, client_as, customer, make_topic):
    topic = make_topic(author=customer, category=desk["cards"], title="My merchant account", is_private=True)
    mail.deliveries.clear()

    _hand_off(client_as, desk["rep_private"], topic, desk["business"])

    assert _recipients(mail) == ["bella@test.example", "rep.business@test.example"]
    assert "(private)" in text_part(mail.messages[0])


def test_an_unsubscribed_representative_gets_nothing(mail, desk, client_as, make_topic):
    # Bella stops "new topics for my departments" with the one-click link of a new-topic e-mail...
    make_topic(author=desk["neighbour"], category=desk["acquiring"], title="POS terminal offline")
    new_topic_mail = mail.inbox("bella@test.example")[0]
    response = client_as().post_raw(
        new_topic_mail["List-Unsubscribe"][1:-1].removeprefix(BASE), data={"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    mail.deliveries.clear()

    _hand_off(client_as, desk["rep_private"], desk["topic"], desk["business"])

    # ...so a topic handed to her department is not mailed to her either.
    assert _recipients(mail) == ["rep.business@test.example"]
    assert (
        db.session.scalar(
            select(MailMessage).where(MailMessage.recipient == "bella@test.example", MailMessage.event == "hand_off")
        )
        is None
    )


def test_a_representative_with_all_mail_off_gets_nothing(mail, desk, client_as):
    from app.notify import services as notify_services

    notify_services.update_settings(desk["bella"], email_enabled=False)
    db.session.commit()

    _hand_off(client_as, desk["rep_private"], desk["topic"], desk["business"])

    assert _recipients(mail) == ["rep.business@test.example"]


def test_unsubscribing_after_queueing_cancels_the_mail(app, mail, desk, client_as):
    app.config["MAIL_SEND"] = "deferred"
    _hand_off(client_as, desk["rep_private"], desk["topic"], desk["business"])
    from app.notify import services as notify_services

    notify_services.update_settings(desk["bella"], new_topics=False)
    db.session.commit()

    report = send_queued()

    assert report.cancelled == 1
    assert _recipients(mail) == ["rep.business@test.example"]


def test_a_recipient_who_is_no_longer_staff_does_not_get_the_note(app, mail, desk, client_as):
    app.config["MAIL_SEND"] = "deferred"
    _hand_off(client_as, desk["rep_private"], desk["topic"], desk["business"])
    bella = db.session.get(User, desk["bella"].id)
    bella.role = "customer"  # demoted before the queue was sent
    db.session.commit()

    report = send_queued()

    assert report.cancelled == 1
    assert _recipients(mail) == ["rep.business@test.example"]


def test_the_note_is_text_in_the_html_part(mail, desk, client_as):
    note = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    _hand_off(client_as, desk["rep_private"], desk["topic"], desk["business"], note=note)
    message = mail.inbox("rep.business@test.example")[0]

    root = parse(html_part(message))
    assert root.find("script") is None and root.find("img") is None
    assert note in root.find("div", class_="note").text
    assert note in text_part(message)  # the plain-text part keeps what was written, verbatim


def test_the_e_mail_comes_in_the_recipients_language(mail, desk, client_as):
    desk["bella"].locale = "uk"
    desk["rep_business"].locale = "ru"
    db.session.commit()

    _hand_off(client_as, desk["rep_private"], desk["topic"], desk["business"])

    russian = mail.inbox("rep.business@test.example")[0]
    assert russian["Subject"] == "Передана в отдел «Business»: Terminal for my shop"
    text = text_part(russian)
    assert "Pavel Private передал(а) тему из отдела «Private clients» в отдел «Business»:" in text
    assert "Заметка к передаче (только для сотрудников):" in text and NOTE in text
    # The plain-text part is translated to the end (templates/email/*.txt are extracted too, see babel.cfg).
    assert f"Ответить: {BASE}/t/{desk['topic'].id}-terminal-for-my-shop" in text
    assert f"Отписаться: {russian['List-Unsubscribe'][1:-1]}" in text
    assert f"Все настройки уведомлений: {BASE}/settings/notifications" in text
    ukrainian = mail.inbox("bella@test.example")[0]
    assert ukrainian["Subject"] == "Передано до відділу «Business»: Terminal for my shop"
    assert "Примітка до передачі (лише для співробітників):" in text_part(ukrainian)


def test_a_failed_hand_off_queues_nothing(mail, desk, client_as):
    before = db.session.scalar(select(db.func.count()).select_from(MailMessage))
    response = client_as(desk["rep_private"]).post(
        f"/staff/t/{desk['topic'].id}/hand-off", {"department_id": str(desk["business"].id), "note": "  "}
    )
    assert response.status_code == 422
    assert db.session.scalar(select(db.func.count()).select_from(MailMessage)) == before
    assert mail.deliveries == []
