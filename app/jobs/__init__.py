"""Background jobs: a registry of named jobs that drain the outboxes (and periodic jobs such as roll-ups), three
ways to run them (RQ on Redis, an in-process worker thread, eager for tests), `flask worker`, `flask stats`, and
the admin pages /admin/system and /admin/dead-letters. See queue.py for JOBS_MODE, registry.py for registering."""


def init_app(app) -> None:
    from app.common import pagecache
    from app.jobs import queue
    from app.jobs.cli import stats_command, worker_command
    from app.jobs.registry import _registry
    from app.jobs.routes import bp

    queue.check_config(app.config)
    pagecache.private_tables("job_runs")  # bookkeeping of periodic jobs: never shown on a cached public page
    _registry(app)
    app.register_blueprint(bp)
    app.cli.add_command(worker_command)
    app.cli.add_command(stats_command)
    if queue.mode(app) == "thread" and app.config.get("JOBS_THREAD", True):
        from app.jobs.worker import ensure_started

        # On the first request of each process (after a fork too): never in the reloader's watcher process,
        # in CLI commands or under the test runner (TestConfig: eager).
        app.before_request(lambda: ensure_started(app) and None)
