"""Health checks for load balancers and operators."""


def init_app(app) -> None:
    from app.health.routes import bp

    app.register_blueprint(bp)
