"""Knowledge base: FAQ articles written by staff, with revisions, comments and helpfulness feedback."""


def init_app(app) -> None:
    """Article pages and the editor; articles opt into search (kind "article") and image access."""
    from app.kb import media_access, rules, search_docs  # noqa: F401  (rules registers promote_topic)
    from app.kb.editor_routes import bp as editor_bp
    from app.kb.routes import bp

    search_docs.register()
    media_access.register()
    app.register_blueprint(bp)
    app.register_blueprint(editor_bp)
