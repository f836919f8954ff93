"""Redis away never turns into a 500 nor a hang: the application runs with REDIS_URL pointing at (a) a port nobody
listens on and (b) a server that accepts connections and never answers. Pages answer, posts are saved, indexed
and mailed, page views are counted, /readyz says 503 naming redis, and no request takes long.

Needs no Redis at all, so it runs in every CI job (the page cache and the suggest cache are on, as with Redis)."""

import time

import pytest
from sqlalchemy import func, select

from app.analytics.models import PageView
from app.community.models import Comment, Topic
from app.extensions import db
from tests.conftest import _config_for, built_app
from tests.search.test_sync import suggested_ids
from tests.sockets import SilentServer, free_port

QUICK = 5.0  # seconds: the most any request may take with Redis away (REDIS_SOCKET_TIMEOUT is 0.5 s)


@pytest.fixture(params=["closed port", "silent server"])
def app(request, tmp_path):
    """Replaces the usual `app` fixture (so every factory uses it): REDIS_URL points at a Redis that is away."""
    server = SilentServer() if request.param == "silent server" else None
    port = server.port if server is not None else free_port()

    class Config(_config_for(tmp_path)):
        REDIS_URL = f"redis://127.0.0.1:{port}/0"
        PAGE_CACHE = True  # in Redis when REDIS_URL is set: each lookup meets the missing Redis
        SEARCH_SUGGEST_CACHE = True
        REDIS_RETRY_SECONDS = 1.0  # the breaker lets a request try again soon: more requests meet the timeout

    # Jobs run eagerly inside the request in tests: load the English sentence encoder first, as the worker that
    # embeds new topics holds it (its first load, ~90 MB, is not what these timings are about).
    from app.search.semantic import minilm

    minilm.encoder()
    yield from built_app(Config)
    if server is not None:
        server.close()


def timed(call, *args, **kwargs):
    begun = time.monotonic()
    response = call(*args, **kwargs)
    elapsed = time.monotonic() - begun
    assert elapsed < QUICK, f"{args[0] if args else ''} took {elapsed:.1f} s with Redis away"
    return response


def _post_topic(client, community, title):
    response = timed(
        client.post,
        "/new",
        {
            "type": "question",
            "title": title,
            "body": "The transfer left my account yesterday and never arrived.",
            "category_id": community["cards"].id,
            "mood": "upset",
            "confirmed": "1",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    return int(response.headers["Location"].split("/t/")[1].split("-")[0])


def test_public_pages_answer_quickly_and_page_views_are_counted_in_memory(
    app, client_as, make_topic, make_article, community
):
    from app.analytics import visits

    topic = make_topic(title="Card payment declined abroad", category=community["cards"])
    article = make_article(title="How to unblock a card", category=community["cards"])
    visitor = client_as()
    pages = [
        "/",
        f"/t/{topic.id}",
        f"/c/{community['cards'].slug}",
        "/kb/",
        f"/kb/{article.id}",
        "/search?q=card+declined",
        "/kb/search?q=unblock",
    ]
    for _ in range(2):  # the second round: the breaker is open or half-open, and the page cache misses again
        for path in pages:
            response = timed(visitor.get, path, follow_redirects=True)
            assert response.status_code == 200, (path, response.status_code)
            assert "Traceback" not in response.get_data(as_text=True)
    page = timed(visitor.get, f"/t/{topic.id}", follow_redirects=True).get_data(as_text=True)
    assert "Card payment declined abroad" in page
    assert suggested_ids(visitor, "card payment declined abroad")[0] == topic.id

    views = visits.flush()  # buffered in this process's memory while Redis is away, written now
    assert views >= len(pages)
    assert db.session.scalar(select(func.count()).select_from(PageView)) == views


def test_a_customer_posts_a_topic_and_a_comment_that_are_saved_indexed_and_mailed(
    app, client_as, customer, community, make_user
):
    from app.notify.models import MailMessage

    client = client_as(customer)
    topic_id = _post_topic(client, community, "Transfer to another bank never arrived")
    response = timed(client.post, f"/t/{topic_id}/comments", {"body": "It has been three days now."})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    rep = client_as(community["rep_private"])
    response = timed(rep.post, f"/t/{topic_id}/comments", {"body": "We are looking into it today."})
    assert response.status_code == 302

    db.session.expire_all()
    assert db.session.get(Topic, topic_id).title == "Transfer to another bank never arrived"
    bodies = db.session.scalars(select(Comment.body).where(Comment.topic_id == topic_id).order_by(Comment.id)).all()
    assert bodies == ["It has been three days now.", "We are looking into it today."]
    # The search outbox drained (jobs run eager in tests, as a worker would once the rows are swept): found.
    assert suggested_ids(client, "transfer another bank never arrived")[0] == topic_id
    # The representative heard of the new topic, the customer of the answer: queued and sent, Redis or not.
    sent = db.session.scalars(select(MailMessage.recipient).where(MailMessage.status == "sent")).all()
    assert sorted(sent) == ["customer@test.example", "rep.private@test.example"]


def test_readyz_answers_503_naming_redis(app, client):
    response = timed(client.get, "/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["failed"] == ["redis"]
    assert body["checks"]["database"]["ok"] is True


def test_rate_limits_still_hold_in_process_memory(app, client_as, customer, community):
    app.config.update(RATELIMIT_POST="2/minute", RATELIMIT_POST_NEW="2/minute")
    client = client_as(customer)
    _post_topic(client, community, "First question about my deposit")
    _post_topic(client, community, "Second question about my deposit")
    response = timed(client.post, "/new", {"type": "question", "title": "Third question about my deposit"})
    assert response.status_code == 429
    assert db.session.scalar(select(func.count()).select_from(Topic)) == 2


def test_the_admin_system_page_shows_the_outboxes_with_redis_away(app, client_as, community):
    app.config["JOBS_MODE"] = "rq"  # the queue length lives in Redis: the page says it cannot be read
    response = timed(client_as(community["admin"]).get, "/admin/system")
    assert response.status_code == 200


def test_with_the_rq_queue_away_the_rows_wait_and_the_sweep_applies_them(app, runner, client_as, customer, community):
    """Production mode (RQ): nothing can be enqueued, nothing is lost; `flask search sync` and `flask notify send`
    (what the worker's sweep runs) index the topic and compose and send its mail once Redis is back or by hand."""
    from app.notify.models import MailMessage, NotifyEvent
    from app.search.outbox import pending_count

    app.config["JOBS_MODE"] = "rq"
    client = client_as(customer)
    topic_id = _post_topic(client, community, "Mortgage payment taken twice this month")

    assert suggested_ids(client, "mortgage payment taken twice") == []
    assert pending_count() == 1 and db.session.scalar(select(func.count()).select_from(NotifyEvent)) == 1

    assert runner.invoke(args=["search", "sync"]).exit_code == 0
    assert runner.invoke(args=["notify", "send"]).exit_code == 0

    assert suggested_ids(client, "mortgage payment taken twice")[0] == topic_id
    db.session.expire_all()
    assert db.session.scalars(select(MailMessage.recipient).where(MailMessage.status == "sent")).all() == [
        "rep.private@test.example"
    ]
