"""Administration: departments, categories, users' roles."""


def init_app(app) -> None:
    from app.admin.routes import bp

    app.register_blueprint(bp)
