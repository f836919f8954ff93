"""Command-line entry points, registered on the app."""


def register_cli(app) -> None:
    from app.demo.cli import demo_command
    from app.notify.cli import notify_cli
    from app.search.cli import search_cli
    from app.social.cli import import_cli
    from app.staff.cli import staff_cli

    app.cli.add_command(demo_command)
    app.cli.add_command(search_cli)
    app.cli.add_command(import_cli)
    app.cli.add_command(notify_cli)
    app.cli.add_command(staff_cli)
