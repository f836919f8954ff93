"""Users, roles, local accounts and sessions (and the visitor's language choice)."""


def init_app(app) -> None:
    from app.auth.routes import bp
    from app.common.i18n import remember_url_language

    app.register_blueprint(bp)
    app.after_request(remember_url_language)
