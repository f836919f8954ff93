"""Follower e-mail is composed by the mail.compose job, not in the request: a comment writes one notify_events row
and no mail; the drain renders one mail per follower, exactly once, however often it runs or is retried."""

from sqlalchemy import func, insert, select

from app.extensions import db
from app.notify import services as notify_services
from app.notify.models import MailMessage, NotifyEvent

FOLLOWERS = 6


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _followed_topic(community, customer, make_topic, make_user):
    topic = make_topic(author=customer, category=community["cards"], title="Card blocked at the cash machine")
    followers = [make_user(email=f"follower{i}@test.example") for i in range(FOLLOWERS)]
    for user in followers:
        notify_services.follow_topic(user, topic)
    db.session.commit()
    return topic, [customer, *followers]


def test_a_comment_is_mailed_to_each_follower_once_by_the_job_not_the_request(
    app, mail, runner, client_as, community, customer, make_topic, make_user
):
    topic, followers = _followed_topic(community, customer, make_topic, make_user)
    runner.invoke(args=["worker", "--burst"])  # the new topic's mail to the representative: out of the way
    app.config["JOBS_MODE"] = "off"  # no worker: what the request itself did stays visible
    mails_before, deliveries_before = _count(MailMessage), len(mail.messages)

    response = client_as(community["rep_private"]).post(f"/t/{topic.id}/comments", {"body": "Unblocked for you."})

    assert response.status_code == 302
    assert _count(NotifyEvent) == 1  # one row for the whole request ...
    assert _count(MailMessage) == mails_before  # ... and not one mail rendered in it
    assert len(mail.messages) == deliveries_before

    result = runner.invoke(args=["worker", "--burst"])  # compose (mail.compose), then send (mail.send)

    assert result.exit_code == 0, result.output
    for user in followers:
        [message] = mail.inbox(user.email)
        assert "Card blocked at the cash machine" in message["Subject"]
    assert _count(NotifyEvent) == 0
    delivered = len(mail.messages)

    runner.invoke(args=["worker", "--burst"])  # a second drain: nothing more
    assert "sent 0," in runner.invoke(args=["notify", "send"]).output
    assert len(mail.messages) == delivered


def test_composing_the_same_event_again_queues_no_second_mail(
    app, mail, runner, client_as, community, customer, make_topic, make_user
):
    """A job retried after its commit, or two workers on one row: the mails' dedup keys keep one per person."""
    topic, followers = _followed_topic(community, customer, make_topic, make_user)
    app.config["JOBS_MODE"] = "off"
    client_as(community["rep_private"]).post(f"/t/{topic.id}/comments", {"body": "We are on it."})
    [payload] = db.session.scalars(select(NotifyEvent.payload)).all()
    db.session.execute(insert(NotifyEvent.__table__).values(payload=payload, attempts=0, created_at=func.now()))
    db.session.commit()

    runner.invoke(args=["worker", "--burst"])

    assert _count(NotifyEvent) == 0
    for user in followers:
        assert len(mail.inbox(user.email)) == 1, user.email


def test_an_event_that_keeps_failing_becomes_a_dead_letter_an_admin_retries(
    app, mail, runner, client_as, community, customer, make_topic, make_user, monkeypatch
):
    from app.notify import compose

    topic, followers = _followed_topic(community, customer, make_topic, make_user)
    runner.invoke(args=["worker", "--burst"])
    app.config.update(JOBS_MODE="off", JOBS_MAX_ATTEMPTS=2, JOBS_BACKOFF_SECONDS=0)

    def broken(*args, **kwargs):
        raise RuntimeError("template store unreachable")

    monkeypatch.setattr(compose, "render_mail", broken)
    client_as(community["rep_private"]).post(f"/t/{topic.id}/comments", {"body": "Answer number one."})
    runner.invoke(args=["worker", "--burst"])
    runner.invoke(args=["worker", "--burst"])
    db.session.expire_all()
    [event] = db.session.scalars(select(NotifyEvent)).all()
    assert event.attempts == 2 and event.dead_at is not None and "template store unreachable" in event.last_error
    admin = client_as(community["admin"])
    assert "template store unreachable" in admin.get("/admin/dead-letters").get_data(as_text=True)

    monkeypatch.undo()
    assert admin.post("/admin/dead-letters/retry", {"source": "notify", "id": "all"}).status_code == 302
    runner.invoke(args=["worker", "--burst"])

    assert _count(NotifyEvent) == 0
    for user in followers:
        assert len(mail.inbox(user.email)) == 1, user.email
