"""Sending is exactly once: mail is queued with the change and sent after commit; when the SMTP server is down
or answers 4xx the request still succeeds, the message waits, and `flask notify send` delivers it once;
running it again sends nothing. A sender that died mid-send is recovered with the same Message-ID."""

import threading
from datetime import timedelta

from sqlalchemy import select, update

from app.common.db import utcnow
from app.community import services as community_services
from app.extensions import db
from app.notify.models import MailMessage
from app.notify.sender import send_queued


def _customer_mail():
    return db.session.scalars(
        select(MailMessage).where(MailMessage.recipient == "customer@test.example").order_by(MailMessage.id)
    ).all()


def _answer_through_the_site(client_as, community, topic, body="Please try again now."):
    response = client_as(community["rep_private"]).post(f"/t/{topic.id}/comments", {"body": body})
    assert response.status_code == 302  # the answer is saved whatever happens to the e-mail
    return response


def test_server_down_then_flask_notify_send_delivers_exactly_once(
    mail, runner, client_as, community, customer, make_topic
):
    topic = make_topic(author=customer, category=community["cards"])
    mail.stop()

    _answer_through_the_site(client_as, community, topic)

    [message] = _customer_mail()
    assert (message.status, message.attempts) == ("queued", 1)
    assert "ConnectionFailure" in message.last_error
    assert message.next_attempt_at > utcnow()

    mail.start()
    result = runner.invoke(args=["notify", "send"])
    assert "sent 0, retrying later 0" in result.output  # still waiting for its retry time
    assert mail.inbox("customer@test.example") == []

    result = runner.invoke(args=["notify", "send", "--retry-now"])
    assert result.exit_code == 0, result.output
    assert "sent 1," in result.output
    assert len(mail.inbox("customer@test.example")) == 1

    runner.invoke(args=["notify", "send", "--retry-now"])
    assert len(mail.inbox("customer@test.example")) == 1
    db.session.expire_all()
    [message] = _customer_mail()
    assert (message.status, message.attempts, message.transport) == ("sent", 2, "smtp")
    assert mail.inbox("customer@test.example")[0]["Message-ID"] == message.message_id


def test_a_4xx_answer_is_retried_and_delivered_once(mail, runner, client_as, community, customer, make_topic):
    topic = make_topic(author=customer, category=community["cards"])
    mail.answer_next(1, "451 4.3.0 Mailbox busy, try again later")

    _answer_through_the_site(client_as, community, topic)

    [message] = _customer_mail()
    assert message.status == "queued" and "451" in message.last_error
    assert mail.inbox("customer@test.example") == []

    result = runner.invoke(args=["notify", "send", "--retry-now"])
    assert "sent 1," in result.output
    runner.invoke(args=["notify", "send", "--retry-now"])
    assert len(mail.inbox("customer@test.example")) == 1


def test_a_5xx_answer_fails_the_message_and_it_can_be_queued_again(
    mail, runner, client_as, community, customer, make_topic
):
    topic = make_topic(author=customer, category=community["cards"])
    mail.answer_next(1, "550 5.1.1 No such mailbox")

    _answer_through_the_site(client_as, community, topic)

    [message] = _customer_mail()
    assert message.status == "failed" and "550" in message.last_error
    runner.invoke(args=["notify", "send", "--retry-now"])
    assert mail.inbox("customer@test.example") == []  # failed for good: not retried on its own

    result = runner.invoke(args=["notify", "send", "--requeue-failed"])
    assert "queued again 1 failed messages" in result.output
    assert len(mail.inbox("customer@test.example")) == 1


def test_after_max_attempts_a_message_fails(app, mail, community, customer, make_topic):
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    topic = make_topic(author=customer, category=community["cards"])
    mail.answer_next(2, "421 4.7.0 Try later")
    community_services.post_comment(community["rep_private"], topic, "An answer.")
    db.session.commit()

    send_queued(retry_now=True)

    db.session.expire_all()
    [message] = _customer_mail()
    assert (message.status, message.attempts) == ("failed", 2)


def test_backoff_doubles(app):
    from app.notify.sender import backoff

    assert [backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert backoff(30) == timedelta(hours=6)


def test_a_sender_that_died_mid_send_is_recovered_with_the_same_message_id(app, mail, community, customer, make_topic):
    app.config["MAIL_SEND"] = "deferred"
    topic = make_topic(author=customer, category=community["cards"])
    community_services.post_comment(community["rep_private"], topic, "An answer.")
    db.session.commit()
    [message] = _customer_mail()
    # A sender claimed it and died: the row stays 'sending'.
    db.session.execute(
        update(MailMessage)
        .where(MailMessage.id == message.id)
        .values(status="sending", claim_token="dead-sender", claimed_at=utcnow() - timedelta(minutes=5))
    )
    db.session.commit()

    assert send_queued().released == 0  # claimed five minutes ago: maybe still sending, leave it
    assert mail.inbox("customer@test.example") == []
    db.session.execute(
        update(MailMessage).where(MailMessage.id == message.id).values(claimed_at=utcnow() - timedelta(minutes=11))
    )
    db.session.commit()

    report = send_queued()

    assert (report.released, report.sent) == (1, 1)
    [delivered] = mail.inbox("customer@test.example")
    assert delivered["Message-ID"] == message.message_id


def test_two_senders_at_once_send_every_message_once(app, mail, community, customer, make_topic, make_user):
    app.config["MAIL_SEND"] = "deferred"
    followers = [make_user() for _ in range(12)]
    topic = make_topic(author=customer, category=community["cards"])
    for follower in followers:
        community_services.post_comment(follower, topic, f"Me too, says {follower.display_name}.")
        db.session.commit()
    community_services.post_comment(community["rep_private"], topic, "Fixed for everyone.")
    db.session.commit()
    queued = db.session.scalar(select(db.func.count()).select_from(MailMessage).where(MailMessage.status == "queued"))
    assert queued > 20
    errors = []

    def run():
        try:
            with app.app_context():
                send_queued()
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    ids = [d.message["Message-ID"] for d in mail.deliveries]
    assert len(ids) == queued and len(set(ids)) == queued
    assert send_queued().sent == 0


def test_the_same_change_never_queues_twice(app, community, customer, make_topic):
    from app.notify.compose import insert_mail

    topic = make_topic(author=customer, category=community["cards"])
    row = {
        "dedup_key": "comment:1:to:1",
        "event": "comment",
        "recipient_id": customer.id,
        "recipient": customer.email,
        "subject": "s",
        "body_text": "t",
        "body_html": "<p>t</p>",
        "message_id": "<a@test>",
        "unsubscribe_url": None,
        "topic_id": topic.id,
    }

    assert insert_mail(db.session, [dict(row)]) == {"comment:1:to:1"}
    assert insert_mail(db.session, [dict(row, message_id="<b@test>")]) == set()
    db.session.commit()
    assert (
        db.session.scalar(
            select(db.func.count()).select_from(MailMessage).where(MailMessage.dedup_key == "comment:1:to:1")
        )
        == 1
    )


def test_deferred_sending_leaves_everything_to_the_cli(app, mail, runner, community, customer, make_topic):
    app.config["MAIL_SEND"] = "deferred"
    make_topic(author=customer, category=community["cards"])
    assert mail.messages == []

    result = runner.invoke(args=["notify", "send"])

    assert "sent 1," in result.output
    assert [m["To"] for m in mail.messages] == ["rep.private@test.example"]
    assert "sent: 1" in runner.invoke(args=["notify", "status"]).output


def test_a_request_sends_no_mail_itself_the_worker_sends_it_all(
    app, mail, runner, community, customer, make_topic, make_user
):
    topic = make_topic(author=customer, category=community["cards"])
    for _ in range(4):
        community_services.post_comment(make_user(), topic, "Me too.")
        db.session.commit()
    app.config["JOBS_MODE"] = "off"  # no worker running: the request only leaves rows in the outbox
    mail.deliveries.clear()

    community_services.post_comment(community["rep_private"], topic, "Fixed for everyone.")
    db.session.commit()

    assert mail.messages == []
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert len({m["To"] for m in mail.messages}) == 5 == len(mail.messages)
    assert "sent 0," in runner.invoke(args=["notify", "send"]).output  # nothing twice
