"""Moderation: close and reopen topics, move them to another category or type, merge duplicates."""


def init_app(app) -> None:
    from app.moderation.routes import bp

    app.register_blueprint(bp)
