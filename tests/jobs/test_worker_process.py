"""Worker processes as an operator runs them: `flask worker` killed with -9 in the middle of a batch loses
nothing and sends nothing twice; two `flask search sync` at once; one worker per Whoosh index; the in-process
worker thread of the embedded default."""

import asyncio
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from app.community import services as community_services
from app.extensions import db
from app.jobs.locks import FileLock
from app.jobs.worker import worker_lock
from app.notify.models import MailMessage
from app.notify.outbox import compose_due
from app.search.backends import get_backend
from app.search.outbox import pending_count
from tests.jobs.conftest import ROOT, flask_env, flask_popen
from tests.notify.smtp import SmtpServer, _Handler
from tests.search.test_sync import suggested_ids
from tests.sockets import free_port

FOLLOWERS = 12


class _HoldingHandler(_Handler):
    """Once `hold_after` messages were delivered, the next RCPT waits until the test releases it: the worker
    is then certainly in the middle of a batch, before the server accepted that message."""

    async def handle_RCPT(self, _server, _session, envelope, address, _options):
        server = self.server
        if server.hold_after is not None and len(server.deliveries) >= server.hold_after:
            server.held.set()
            while not server.released.is_set():
                await asyncio.sleep(0.02)
        envelope.rcpt_tos.append(address)
        return "250 OK"


class HoldingSmtpServer(SmtpServer):
    def __init__(self):
        super().__init__()
        self.hold_after: int | None = None
        self.held = threading.Event()
        self.released = threading.Event()

    def start(self):
        if self._controller is None:
            self._controller = Controller(_HoldingHandler(self), hostname=self.host, port=self.port)
            self._controller.start()
        return self


@pytest.fixture
def holding_mail(app):
    server = HoldingSmtpServer().start()
    server.configure(app)
    try:
        yield server
    finally:
        server.released.set()
        server.stop()


def _topic_with_followers(make_topic, make_user, customer, community):
    topic = make_topic(author=customer, category=community["cards"])
    for _ in range(FOLLOWERS - 1):
        community_services.post_comment(make_user(), topic, "Same here.")
        db.session.commit()
    return topic


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(
    app, holding_mail, runner, make_topic, make_user, customer, community
):
    topic = _topic_with_followers(make_topic, make_user, customer, community)
    app.config["JOBS_MODE"] = "off"  # from here on nothing is sent by the test process itself
    holding_mail.deliveries.clear()
    community_services.post_comment(community["rep_private"], topic, "Fixed for everyone, sorry.")
    db.session.commit()
    queued = select(func.count()).select_from(MailMessage).where(MailMessage.status == "queued")
    assert db.session.scalar(queued) == 0  # the request composed nothing: one notify_events row
    assert compose_due() == (1, FOLLOWERS)  # what the mail.compose job does first, in one transaction
    assert db.session.scalar(queued) == FOLLOWERS
    holding_mail.hold_after = 4

    worker = flask_popen(app, "worker", JOBS_SWEEP_SECONDS="0.2")
    try:
        assert holding_mail.held.wait(60), worker.stderr.read() if worker.poll() is not None else "no hold"
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        worker.stdout.close()
        worker.stderr.close()
    holding_mail.released.set()
    holding_mail.hold_after = None
    assert len(holding_mail.messages) == 4
    db.session.expire_all()
    states = dict(db.session.execute(select(MailMessage.status, func.count()).group_by(MailMessage.status)).all())
    assert states.get("sent", 0) >= 4 and states.get("sending", 0) >= 1  # the rest of the batch: claimed

    app.config["MAIL_CLAIM_TIMEOUT"] = 1  # the lease of the dead worker runs out ...
    time.sleep(1.2)
    assert runner.invoke(args=["worker", "--burst"]).exit_code == 0  # ... and another worker takes over

    recipients = [m["To"] for m in holding_mail.messages]
    assert len(recipients) == FOLLOWERS == len(set(recipients))  # every follower once
    assert len({m["Message-ID"] for m in holding_mail.messages}) == FOLLOWERS
    db.session.expire_all()
    assert set(db.session.scalars(select(MailMessage.status).distinct())) == {"sent"}


def test_gunicorn_stopped_while_its_worker_thread_sends_finishes_the_batch_first(
    app, holding_mail, make_topic, make_user, customer, community
):
    """The embedded default under gunicorn (JOBS_MODE thread): SIGTERM, as a restart or a deploy sends it, while the
    worker thread is in the middle of a batch of e-mails. The process exits only once the thread has finished the
    batch it claimed: no e-mail is left claimed (it would wait MAIL_CLAIM_TIMEOUT), none is sent twice."""
    topic = _topic_with_followers(make_topic, make_user, customer, community)
    app.config["JOBS_MODE"] = "off"
    holding_mail.deliveries.clear()
    answer = community_services.post_comment(community["rep_private"], topic, "Fixed for everyone, sorry.")
    db.session.commit()
    assert compose_due() == (1, FOLLOWERS)
    holding_mail.hold_after = 4

    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-w", "1", "-k", "gthread", "--threads", "2"]
    command += ["-b", f"127.0.0.1:{port}", "--graceful-timeout", "30", "wsgi:app"]
    env = flask_env(app, JOBS_MODE="thread", JOBS_THREAD="1", JOBS_SWEEP_SECONDS="0.2")
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:  # the first request a process serves starts its worker thread
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5).read()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, server.stderr.read()
                time.sleep(0.2)
        assert holding_mail.held.wait(60), "the worker thread sent no mail"
        server.send_signal(signal.SIGTERM)
        time.sleep(1.0)
        assert server.poll() is None  # still waiting for the thread's batch
        holding_mail.released.set()
        assert server.wait(30) == 0
    finally:
        holding_mail.released.set()
        if server.poll() is None:
            server.kill()
            server.wait()
        server.stderr.close()
    holding_mail.hold_after = None
    db.session.expire_all()
    states = dict(
        db.session.execute(
            select(MailMessage.status, func.count())
            .where(MailMessage.comment_id == answer.id)
            .group_by(MailMessage.status)
        ).all()
    )
    assert states.get("sending", 0) == 0
    assert states.get("sent", 0) > 4  # the held message and the rest of its batch
    message_ids = [m["Message-ID"] for m in holding_mail.messages]
    assert len(message_ids) == len(set(message_ids)) == states["sent"]  # every one sent is delivered, once


def test_two_search_syncs_at_once_both_succeed_and_index_everything(app, client, make_topic, customer, community):
    app.config["SEARCH_SYNC"] = "deferred"
    topics = [
        make_topic(author=customer, category=community["cards"], title=f"Deposit interest question {n}")
        for n in range(40)
    ]
    assert pending_count() == 40

    first, second = flask_popen(app, "search", "sync"), flask_popen(app, "search", "sync")
    outputs = [proc.communicate(timeout=120) for proc in (first, second)]

    assert [first.returncode, second.returncode] == [0, 0], outputs
    applied = [int(m) for out, _ in outputs for m in re.findall(r"Applied (\d+) outbox rows", out)]
    assert sum(applied) == 40, outputs  # each row applied once, by one of them (the other waited for the lock)
    assert pending_count() == 0
    indexed = get_backend().keys()
    assert {t.id for t in topics} <= {ref_id for _, ref_id in indexed}


def test_a_sync_while_another_drains_waits_or_exits_0_saying_so(app, runner, make_topic, customer, community):
    app.config["SEARCH_SYNC"] = "deferred"
    topic = make_topic(author=customer, category=community["cards"], title="Mortgage early repayment fee")
    lock = FileLock(f"{app.config['SEARCH_INDEX_DIR']}/drain.lock").acquire()
    try:
        busy = flask_popen(app, "search", "sync", "--wait", "0.5")
        out, err = busy.communicate(timeout=60)
        assert busy.returncode == 0, err
        assert "Another process is draining the search index" in out
        assert pending_count() == 1

        waiting = flask_popen(app, "search", "sync", "--wait", "30")
        time.sleep(1.0)
        assert waiting.poll() is None  # it waits for the lock ...
    finally:
        lock.release()
    out, err = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, err
    assert "Applied 1 outbox rows" in out  # ... and applies the change once the other one is done
    assert ("topic", topic.id) in get_backend().keys()  # noqa: SIM118 (a backend, not a dict)


def test_a_second_worker_on_the_same_whoosh_index_is_refused(app, runner):
    lock = worker_lock(app).acquire()
    try:
        result = runner.invoke(args=["worker", "--burst"])
    finally:
        lock.release()
    assert result.exit_code == 1
    assert "Another worker" in result.output and "single-node" in result.output
    assert runner.invoke(args=["worker", "--burst"]).exit_code == 0


def test_the_embedded_worker_thread_indexes_and_mails_after_the_request(app, mail, client_as, customer, community):
    app.config.update(JOBS_MODE="thread", JOBS_THREAD=True, JOBS_SWEEP_SECONDS=30)
    from app.jobs import init_app as jobs_init  # noqa: F401  (the before_request hook is added at create_app)
    from app.jobs.worker import ensure_started

    client = client_as(customer)
    assert app.extensions.get("otklik.worker") is None  # TestConfig: no thread unless asked
    worker = ensure_started(app)
    try:
        response = client.post(
            "/new",
            {
                "type": "question",
                "title": "Card blocked after three wrong PIN attempts",
                "body": "It says the PIN was wrong.",
                "category_id": community["cards"].id,
                "mood": "upset",
                "confirmed": "1",
            },
        )
        assert response.status_code == 302
        topic_id = int(response.headers["Location"].split("/t/")[1].split("-")[0])
        deadline = time.monotonic() + 30  # the thread's first run loads the dictionaries
        while time.monotonic() < deadline and (pending_count() or not mail.messages):
            time.sleep(0.05)
        assert suggested_ids(client, "blocked card wrong PIN") == [topic_id]
        assert [m["To"] for m in mail.messages] == ["rep.private@test.example"]
        assert ensure_started(app) is worker  # one thread per process
    finally:
        worker.stop()
        worker.lock.release()


def test_a_reindex_waits_for_a_running_drain_and_says_so_when_it_cannot(app, runner, make_topic, customer, community):
    topic = make_topic(author=customer, category=community["cards"], title="Overdraft fee on a salary card")
    lock = FileLock(f"{app.config['SEARCH_INDEX_DIR']}/drain.lock").acquire()
    try:
        result = runner.invoke(args=["search", "reindex", "--wait", "0.3"])
    finally:
        lock.release()
    assert result.exit_code == 1
    assert "Another process has been draining the search index" in result.output

    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert ("topic", topic.id) in get_backend().keys()  # noqa: SIM118 (a backend, not a dict)
