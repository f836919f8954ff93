"""Issue 11: counters kept on a topic (votes, answers) stay exact when people act at the same moment: each
request adds one in SQL (`vote_count = vote_count + 1`), never "what I read plus one"."""

import threading

from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.community.models import Comment, Topic, Vote
from app.extensions import db
from tests.conftest import AuthActions, CsrfClient

RACERS = 8


def _race(app, clients, path, data_for) -> list[int]:
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []

    def act(n: int, cookie: str, token: str) -> None:
        browser = FlaskClient(app, app.response_class, use_cookies=True)
        browser.set_cookie("session", cookie)
        barrier.wait()
        response = browser.post(path, data={**data_for(n), "csrf_token": token})
        statuses.append(response.status_code)

    threads = [
        threading.Thread(target=act, args=(n, c.get_cookie("session").value, c.csrf_token()))
        for n, c in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.rollback()
    return statuses


def _signed_in(app, user, n: int) -> CsrfClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"192.0.2.{n + 1}"  # people at their own addresses (sign-in limit per IP)
    wrapped = CsrfClient(client)
    AuthActions(wrapped).login(user.email)
    return wrapped


def test_racing_votes_and_answers_are_all_counted(app, make_user, make_topic, community):
    topic = make_topic(category=community["cards"], topic_type="idea", mood=None)
    clients = [_signed_in(app, make_user(), n) for n in range(RACERS)]

    assert _race(app, clients, f"/t/{topic.id}/vote", lambda n: {}) == [302] * RACERS
    assert _race(app, clients, f"/t/{topic.id}/comments", lambda n: {"body": f"Me too, number {n}."}) == [302] * RACERS

    db.session.expire_all()
    topic = db.session.get(Topic, topic.id)
    votes = db.session.scalar(select(func.count()).select_from(Vote).where(Vote.topic_id == topic.id))
    comments = db.session.scalar(select(func.count()).select_from(Comment).where(Comment.topic_id == topic.id))
    assert (topic.vote_count, topic.comment_count) == (votes, comments) == (RACERS, RACERS)

    assert _race(app, clients[:4], f"/t/{topic.id}/vote", lambda n: {}) == [302] * 4  # four take theirs back
    db.session.expire_all()
    assert db.session.get(Topic, topic.id).vote_count == RACERS - 4
