"""`flask stats` and /admin/system: queue, outboxes, dead letters, index lag, database size, last job runs."""

import json

from app.extensions import db
from app.jobs.models import JobRun


def test_stats_show_backlog_lag_size_and_the_last_successful_runs(app, runner, client_as, community, make_topic):
    app.config["SEARCH_SYNC"] = "deferred"
    make_topic(title="Waiting in the search outbox")

    data = json.loads(runner.invoke(args=["stats", "--json"]).output)
    search = next(box for box in data["outboxes"] if box["name"] == "search")
    assert search["pending"] == 1 and search["oldest_pending_seconds"] >= 0
    assert data["index"]["pending"] == 1 and data["database"]["size_bytes"] > 0
    assert data["queue"]["mode"] == "eager"

    assert runner.invoke(args=["worker", "--burst"]).exit_code == 0
    db.session.expire_all()
    runs = {row.name: row for row in db.session.query(JobRun)}
    assert runs["search.drain"].last_success_at is not None and runs["mail.send"].last_success_at is not None

    output = runner.invoke(args=["stats"]).output
    assert "outbox search: 0 pending, 0 dead letters" in output
    assert "job search.drain: last success 20" in output and "database: " in output
    page = client_as(community["admin"]).get("/admin/system")
    assert page.status_code == 200
    assert "search.drain" in page.get_data(as_text=True) and "Periodic jobs" in page.get_data(as_text=True)
    assert client_as(community["moderator"]).get("/admin/system").status_code == 404
