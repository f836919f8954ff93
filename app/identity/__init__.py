"""Sign-in through other providers (VK ID, Yandex ID, Google, Facebook, any OpenID Connect SSO) and the identities
linking them to users."""


def init_app(app) -> None:
    from app.common import pagecache

    pagecache.private_tables("identities")  # never shown on a cached public page
    from app.identity import providers
    from app.identity.routes import bp

    providers.config_defaults(app)
    providers.init_oauth(app)
    app.register_blueprint(bp)

    @app.context_processor
    def _sign_in_providers():
        return {"sign_in_providers": providers.enabled_providers(app)}
