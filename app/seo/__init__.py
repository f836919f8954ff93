"""Search-engine features: sitemaps, robots.txt, feeds, structured data (JSON-LD), page meta tags."""


def init_app(app) -> None:
    from app.seo.routes import bp

    app.register_blueprint(bp)
