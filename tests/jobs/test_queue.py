"""The real queue: a request only enqueues; an RQ worker (rq.SimpleWorker in burst mode, a real worker on a
real Redis queue) drains the outboxes; a job that keeps failing ends as a dead letter that an admin retries."""

from rq import SimpleWorker
from sqlalchemy import select

from app.community.models import Topic
from app.extensions import db
from app.jobs.queue import redis_connection, rq_queue
from app.notify.models import MailMessage
from app.search.outbox import pending_count
from tests.search.test_sync import suggested_ids


def _post_topic(client, community, title):
    data = {
        "type": "question",
        "title": title,
        "body": "My card was blocked after I entered the PIN three times.",
        "category_id": community["cards"].id,
        "mood": "upset",
        "confirmed": "1",
    }
    response = client.post("/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    return int(response.headers["Location"].split("/t/")[1].split("-")[0])


def _work(app):
    SimpleWorker([rq_queue(app)], connection=redis_connection(app)).work(burst=True)


def test_an_rq_worker_indexes_and_mails_what_the_request_only_enqueued(rq_app, mail, client_as, customer, community):
    client = client_as(customer)
    topic_id = _post_topic(client, community, "Card blocked after three wrong PIN attempts")
    _post_topic(client, community, "Card blocked again at the cash machine")

    # The request did no indexing and sent no mail: both wait in their outboxes, one job per kind of work.
    assert suggested_ids(client, "blocked card wrong PIN") == []
    assert mail.messages == []
    assert pending_count() == 2
    assert sorted(job.args[0] for job in rq_queue(rq_app).jobs) == ["analytics.rollup", "mail.compose", "search.drain"]

    _work(rq_app)

    assert suggested_ids(client, "blocked card wrong PIN")[0] == topic_id
    assert pending_count() == 0
    assert sorted(m["To"] for m in mail.messages) == ["rep.private@test.example"] * 2
    assert len(rq_queue(rq_app)) == 0
    # the next post makes a new job (the waiting mark was cleared when the job started)
    _post_topic(client, community, "Third question about the PIN")
    assert len(rq_queue(rq_app)) == 3  # index, mail (composing, which enqueues sending), analytics roll-up


def test_a_lost_job_loses_nothing_the_sweep_drains_the_outbox(rq_app, mail, runner, client_as, customer, community):
    client = client_as(customer)
    topic_id = _post_topic(client, community, "Currency exchange rate on weekends")
    rq_queue(rq_app).empty()  # Redis lost the jobs (flushed, restarted without persistence)
    redis_connection(rq_app).delete(
        *redis_connection(rq_app).keys(f"{rq_app.config['REDIS_PREFIX']}:{rq_app.config['JOBS_QUEUE']}:*")
    )

    result = runner.invoke(args=["worker", "--burst"])  # the sweep enqueues every drain, the worker runs them

    assert result.exit_code == 0, result.output
    assert suggested_ids(client, "currency exchange rate weekend") == [topic_id]
    assert [m["To"] for m in mail.messages] == ["rep.private@test.example"]


def test_mail_failing_three_times_is_a_dead_letter_an_admin_retries(
    app, mail, runner, client_as, customer, community, make_topic
):
    app.config.update(MAIL_MAX_ATTEMPTS=3, MAIL_BACKOFF_SECONDS=0)
    topic = make_topic(author=customer, category=community["cards"])
    mail.deliveries.clear()
    mail.answer_next(3, "451 4.3.0 Mailbox busy, try again later")

    # attempt 1: the job run right after the commit (eager mode: the same job function a worker runs)
    client_as(community["rep_private"]).post(f"/t/{topic.id}/comments", {"body": "Please try again now."})
    for _ in range(2):  # attempts 2 and 3: the worker's sweep
        assert runner.invoke(args=["worker", "--burst"]).exit_code == 0

    message = db.session.scalars(select(MailMessage).where(MailMessage.recipient == customer.email)).one()
    assert (message.status, message.attempts) == ("failed", 3)
    assert mail.inbox(customer.email) == []
    assert runner.invoke(args=["worker", "--burst"]).exit_code == 0  # a dead letter is not retried by itself
    assert mail.inbox(customer.email) == []

    admin = client_as(community["admin"])
    page = admin.get("/admin/dead-letters").get_data(as_text=True)
    assert f"{customer.email}: Official answer" in page and "4.3.0 Mailbox busy" in page
    assert "outbox mail: 0 pending, 1 dead letters" in runner.invoke(args=["stats"]).output
    assert client_as(customer).get("/admin/dead-letters").status_code == 404
    assert (
        client_as(customer).post("/admin/dead-letters/retry", {"source": "mail", "id": message.id}).status_code == 404
    )
    assert admin.post_raw("/admin/dead-letters/retry", data={"source": "mail", "id": message.id}).status_code == 400

    response = admin.post("/admin/dead-letters/retry", {"source": "mail", "id": message.id})

    assert response.status_code == 302
    assert len(mail.inbox(customer.email)) == 1
    db.session.expire_all()
    assert db.session.get(MailMessage, message.id).status == "sent"
    assert "None." in admin.get("/admin/dead-letters").get_data(as_text=True)


def test_an_index_change_failing_three_times_is_a_dead_letter_retried_from_admin(
    app, runner, client_as, customer, community, make_topic, monkeypatch
):
    from app.search.backends import get_backend

    app.config.update(JOBS_MAX_ATTEMPTS=3, JOBS_BACKOFF_SECONDS=0)
    backend = get_backend()

    def broken(docs):
        raise OSError("No space left on device")

    monkeypatch.setattr(backend, "upsert", broken)
    topic = make_topic(author=customer, category=community["cards"], title="Savings account interest question")
    for _ in range(2):
        runner.invoke(args=["worker", "--burst"])
    admin = client_as(community["admin"])
    page = admin.get("/admin/dead-letters").get_data(as_text=True)
    assert f"topic {topic.id}" in page and "No space left on device" in page
    assert pending_count() == 0
    runner.invoke(args=["worker", "--burst"])
    assert suggested_ids(admin, "savings account interest") == []

    monkeypatch.undo()  # the disk was cleaned up
    assert admin.post("/admin/dead-letters/retry", {"source": "search", "id": "all"}).status_code == 302

    assert suggested_ids(admin, "savings account interest") == [topic.id]
    system = admin.get("/admin/system").get_data(as_text=True)
    assert "search.drain" in system and "mail.send" in system


def test_a_request_succeeds_when_redis_is_down_and_the_rows_wait(app, client_as, customer, community):
    from tests.sockets import free_port

    app.config.update(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0", JOBS_MODE="rq")
    client = client_as(customer)
    topic_id = _post_topic(client, community, "Posted while Redis was away")
    _post_topic(client, community, "Posted again while Redis was away")  # no second wait for Redis
    assert pending_count() == 2  # nothing lost: the sweep of a worker applies them once Redis is back
    assert db.session.get(Topic, topic_id).title == "Posted while Redis was away"
    from app.common import redis_conn

    assert not redis_conn.usable(app)  # the breaker is open: the second post did not wait for Redis


def test_with_rq_a_periodic_job_is_enqueued_once_per_period_whatever_the_number_of_workers(rq_app):
    from app.jobs.models import JobRun
    from app.jobs.queue import enqueue_periodic
    from app.jobs.registry import register_periodic

    register_periodic(rq_app, "test.hourly", lambda: None, every=3600)
    for _ in range(3):  # three `flask worker` processes' schedulers reach the same turn
        enqueue_periodic("test.hourly", 3600)
    assert [job.args[0] for job in rq_queue(rq_app).jobs] == ["test.hourly"]

    _work(rq_app)
    enqueue_periodic("test.hourly", 3600)  # another worker's turn within the same hour

    assert len(rq_queue(rq_app)) == 0
    db.session.expire_all()
    assert db.session.get(JobRun, "test.hourly").runs == 1
