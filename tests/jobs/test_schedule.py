"""Periodic jobs: a plain function registered with a period runs on that schedule in the worker, its session is
committed, its runs are recorded for `flask stats`, and a restarted worker keeps the rhythm instead of running
an hourly job again at once."""

import time

from sqlalchemy import func, select

from app.auth import services as auth_services
from app.auth.models import User
from app.extensions import db
from app.jobs.models import JobRun
from app.jobs.registry import register_periodic
from app.jobs.worker import InProcessWorker


def test_a_periodic_job_runs_on_its_schedule_commits_and_is_recorded(app, runner):
    calls = []

    def make_a_user():
        calls.append(time.monotonic())
        auth_services.register_user(f"periodic{len(calls)}@test.example", "correct-horse-battery", "Periodic")
        return ["one user"]

    register_periodic(app, "test.periodic", make_a_user, every=0.3)
    worker = InProcessWorker(app, sweep_seconds=30).start()
    try:  # the first pass runs every periodic job of the app first: on a loaded machine it can take a while
        deadline = time.monotonic() + 20
        while len(calls) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()

    assert len(calls) >= 3, calls
    assert all(later - earlier >= 0.25 for earlier, later in zip(calls, calls[1:]))  # never more often than every
    db.session.expire_all()
    count = db.session.scalar(select(func.count()).select_from(User).where(User.email.like("periodic%")))
    assert count == len(calls)  # each run's session was committed
    run = db.session.get(JobRun, "test.periodic")
    assert run.runs == len(calls) and run.last_success_at is not None and run.last_result == "1"
    assert "job test.periodic: last success 20" in runner.invoke(args=["stats"]).output


def test_a_failing_periodic_job_rolls_back_and_is_recorded_as_failed(app):
    def broken():
        auth_services.register_user("half@test.example", "correct-horse-battery", "Half")
        raise RuntimeError("the roll-up table is locked")

    register_periodic(app, "test.broken", broken, every=3600)
    InProcessWorker(app).run_names({"test.broken"})

    db.session.expire_all()
    assert db.session.scalar(select(User).where(User.email == "half@test.example")) is None
    run = db.session.get(JobRun, "test.broken")
    assert run.failures == 1 and "the roll-up table is locked" in run.last_error


def test_a_restarted_worker_keeps_the_rhythm_of_an_hourly_job(app):
    register_periodic(app, "test.hourly", lambda: None, every=3600)
    first = InProcessWorker(app)
    assert "test.hourly" in first.due_periodic(time.monotonic())  # never ran: due now
    first.run_names({"test.hourly"})

    restarted = InProcessWorker(app)  # a new process: its clock knows nothing, job_runs does
    assert "test.hourly" not in restarted.due_periodic(time.monotonic())
    assert "test.hourly" in restarted.due_periodic(time.monotonic() + 3601)
