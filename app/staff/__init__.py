"""Departments and their representatives."""


def init_app(app) -> None:
    """Queues and the staff panel; the SLA clocks follow the domain's signals; `flask staff`."""
    from app.common import pagecache

    pagecache.private_tables(
        "topic_work_items", "topic_assignments", "internal_notes"
    )  # never shown on a cached public page
    from app.staff import access, receivers  # noqa: F401  (access registers the department leads' rules)
    from app.staff.cli import staff_cli
    from app.staff.routes import bp

    receivers.connect()
    app.register_blueprint(bp)
    app.cli.add_command(staff_cli)
