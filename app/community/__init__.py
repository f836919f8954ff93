"""Topics (question, problem, idea, praise), comments, votes, moods and statuses."""


def init_app(app) -> None:
    """Topic pages, editing, profiles and the search pages; topics opt into search and image access."""
    from app.community import counts, kinds, media_access, page_cache, search_docs  # noqa: F401 (counts: listeners)
    from app.community.cli import community_cli
    from app.community.edit_routes import bp as edit_bp
    from app.community.profile_routes import bp as profile_bp
    from app.community.routes import bp
    from app.community.search_routes import bp as search_pages_bp

    search_docs.register()
    media_access.register()
    page_cache.register()
    app.jinja_env.globals["kinds"] = kinds
    app.cli.add_command(community_cli)
    for blueprint in (bp, edit_bp, profile_bp, search_pages_bp):
        app.register_blueprint(blueprint)
