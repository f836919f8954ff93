"""The demo community loaded by `flask demo`: written by the Otklik team for demonstration."""


def init_app(app) -> None:
    """`flask demo`."""
    from app.demo.cli import demo_command

    app.cli.add_command(demo_command)
