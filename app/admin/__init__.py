"""Administration: departments, categories, users' roles, the synonym groups of search."""


def init_app(app) -> None:
    from app.admin import synonyms
    from app.admin.routes import bp
    from app.branding import store
    from app.search import custom_synonyms

    store.listen()  # the settings store announces saves (also when the branding feature is left out)
    custom_synonyms.register(app, current=synonyms.current, load=synonyms.load)
    app.register_blueprint(bp)
