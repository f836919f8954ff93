"""Moderation: close and reopen topics, move them to another category or type, merge duplicates; block a person from posting."""


def init_app(app) -> None:
    from app.moderation import user_routes  # noqa: F401  (block and unblock: routes on the same blueprint)
    from app.moderation.routes import bp

    app.register_blueprint(bp)
