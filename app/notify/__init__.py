"""Notifications: topic subscriptions, e-mail settings, the mail outbox, sending after commit, digests."""

from urllib.parse import urlsplit

MAIL_BACKENDS = ("outbox", "smtp")


def check_config(config) -> None:
    """Refuse to start with settings that would make every e-mail wrong."""
    url = urlsplit(config.get("PUBLIC_URL") or "")
    if url.scheme not in ("http", "https") or not url.netloc:
        raise RuntimeError("PUBLIC_URL must be an absolute http(s) URL, e.g. https://support.example.com")
    if config.get("MAIL_BACKEND") not in MAIL_BACKENDS:
        raise RuntimeError(f"MAIL_BACKEND must be one of {', '.join(MAIL_BACKENDS)}")
    if config.get("MAIL_SEND") not in ("inline", "deferred"):
        raise RuntimeError("MAIL_SEND must be 'inline' or 'deferred'")


def init_app(app) -> None:
    """Check the settings, connect the signal receivers, add the topic page's helper, the routes and `flask notify`."""
    from app.common import pagecache

    pagecache.private_tables(
        "topic_subscriptions", "notification_settings", "mail_messages", "notify_events"
    )  # never shown on a cached public page
    from flask_login import current_user

    from app.notify import jobs, queries, receivers
    from app.notify.cli import notify_cli
    from app.notify.routes import bp

    check_config(app.config)
    receivers.connect()
    jobs.register(app)
    app.register_blueprint(bp)
    app.cli.add_command(notify_cli)
    app.jinja_env.globals["notify_is_following"] = lambda topic: queries.is_following(current_user, topic)
