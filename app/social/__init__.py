"""Social import: customers' public posts (X, VK, Facebook, Telegram) become topics attributed to their authors."""


def init_app(app) -> None:
    """Staff import pages and `flask import`."""
    from app.social.cli import import_cli
    from app.social.routes import bp

    app.register_blueprint(bp)
    app.cli.add_command(import_cli)
