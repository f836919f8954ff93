"""Append-only events and the reports built from them."""


def init_app(app) -> None:
    from app.analytics.routes import bp

    app.register_blueprint(bp)
