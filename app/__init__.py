"""Otklik: a self-hosted customer-support community."""

from importlib import import_module
from pathlib import Path

from flask import Flask

from app.extensions import babel, csrf, db, login_manager, migrate

# What the application is made of, in order. Each package's init_app(app) registers its blueprints, signal
# receivers, template globals, CLI commands and settings defaults; nothing else registers them.
CORE = ("app.auth", "app.community", "app.search", "app.jobs")
FEATURES = (
    "app.accounts",
    "app.kb",
    "app.media",
    "app.staff",
    "app.notify",
    "app.moderation",
    "app.news",
    "app.seo",
    "app.social",
    "app.identity",
    "app.apps",
    "app.analytics",
    "app.admin",
    "app.branding",
    "app.health",
    "app.widget",
    "app.learning",
    "app.demo",
)


def create_app(config=None, features=None) -> Flask:
    """Build the application. `features` replaces FEATURES (tests build it without an optional one)."""
    app = Flask(__name__, static_folder="../static", template_folder="../templates", instance_relative_config=True)
    if config is None:
        from config import config_from_env

        config = config_from_env()
    app.config.from_object(config)
    _check_config(app)

    from app.common import errors, guards, headers, logs, pagecache, templating

    logs.init_app(app)
    _init_extensions(app)

    guards.init_app(app)
    headers.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    pagecache.init_app(app)
    app.extensions["otklik.features"] = tuple(CORE) + tuple(FEATURES if features is None else features)
    for name in app.extensions["otklik.features"]:
        import_module(name).init_app(app)
    if app.config.get("PROXY_FIX"):  # outermost: the page cache's fast path (a WSGI middleware) sees the client
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    return app


def _check_config(app: Flask) -> None:
    if app.config.get("ENV_NAME") == "production" and not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set in production (OTKLIK_ENV=production).")
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if uri.startswith("postgresql://"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri.removeprefix("postgresql://")
    from app.common.timeouts import engine_options

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)


def _init_extensions(app: Flask) -> None:
    from app import models  # noqa: F401  (registers every model)
    from app.common.i18n import select_locale, select_timezone

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config.get("DEFAULT_TIMEZONE") or "UTC")
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories="translations",
    )
    login_manager.init_app(app)
    from app.common import ratelimit

    ratelimit.init_app(app)  # binds `limiter` (Redis when REDIS_URL is set, else memory)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"

    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Please log in to continue.")

    @login_manager.user_loader
    def load_user(session_token: str):
        from app.auth.sessions import load_user_for_token

        return load_user_for_token(session_token)

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from sqlalchemy import event

        with app.app_context():

            @event.listens_for(db.engine, "connect")
            def _sqlite_pragmas(dbapi_connection, _record):
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA foreign_keys=ON")
                cursor.execute("PRAGMA journal_mode=WAL")
                if not app.config.get("DB_DURABLE_COMMITS", True):
                    cursor.execute("PRAGMA synchronous=OFF")
                cursor.close()
