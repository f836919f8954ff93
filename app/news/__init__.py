"""News: posts by administrators and the marketing team, pinned ones on the community home, an Atom feed."""


def init_app(app) -> None:
    """News pages and feed; news opts into image access."""
    from app.news import media_access
    from app.news.routes import bp

    media_access.register()
    app.register_blueprint(bp)
