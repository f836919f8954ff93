"""Users, roles, local accounts and sessions."""


def init_app(app) -> None:
    from app.auth.routes import bp

    app.register_blueprint(bp)
