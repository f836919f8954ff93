"""Users, roles, local accounts and sessions (and the visitor's language choice)."""


def init_app(app) -> None:
    from app.common import pagecache

    pagecache.private_tables("user_sessions")  # never shown on a cached public page
    from app.auth import sessions
    from app.auth.routes import bp
    from app.auth.session_routes import bp as sessions_bp
    from app.common.i18n import remember_url_language

    sessions.init_app(app)
    app.register_blueprint(bp)
    app.register_blueprint(sessions_bp)
    app.after_request(remember_url_language)
