"""Users, roles, local accounts and sessions."""


def init_app(app) -> None:
    from app.auth import sessions
    from app.auth.routes import bp
    from app.auth.session_routes import bp as sessions_bp

    sessions.init_app(app)
    app.register_blueprint(bp)
    app.register_blueprint(sessions_bp)
