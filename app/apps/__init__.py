"""The VK Mini App and the Facebook app (canvas / page tab): signature-gated entries into the ask view, and
Facebook's data-deletion callback."""

import os


def init_app(app) -> None:
    from app.common import pagecache

    pagecache.private_tables("app_launches", "data_deletion_requests")  # never shown on a cached public page
    from app.apps import logfilter
    from app.apps.routes import bp

    app.config.setdefault("VK_APP_SECRET", os.environ.get("VK_APP_SECRET", ""))
    # How old VK launch parameters (vk_ts) may be: the launch is used once, on opening, so an hour is plenty
    # for a slow network and a wrong clock, while a leaked launch link goes stale soon.
    app.config.setdefault("VK_LAUNCH_MAX_AGE", int(os.environ.get("VK_LAUNCH_MAX_AGE", "3600")))
    app.config.setdefault(
        "FACEBOOK_APP_SECRET",
        os.environ.get("FACEBOOK_APP_SECRET", "") or app.config.get("OAUTH_FACEBOOK_CLIENT_SECRET", ""),
    )
    app.config.setdefault(
        "FACEBOOK_SIGNED_REQUEST_MAX_AGE", int(os.environ.get("FACEBOOK_SIGNED_REQUEST_MAX_AGE", "3600"))
    )
    logfilter.install()
    app.register_blueprint(bp)
