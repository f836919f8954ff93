"""Otklik: a self-hosted customer-support community."""
from pathlib import Path

from flask import Flask

from app.extensions import babel, csrf, db, login_manager, migrate


def create_app(config=None) -> Flask:
    app = Flask(__name__, static_folder="../static", template_folder="../templates", instance_relative_config=True)
    if config is None:
        from config import config_from_env
        config = config_from_env()
    app.config.from_object(config)
    _check_config(app)
    if app.config.get("PROXY_FIX"):
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    _init_extensions(app)
    from app.common import guards
    guards.init_app(app)
    _register_blueprints(app)
    from app import notify
    notify.init_app(app)
    _register_template_helpers(app)
    from app.common.errors import register_error_handlers
    register_error_handlers(app)
    from app.cli import register_cli
    register_cli(app)
    return app


def _check_config(app: Flask) -> None:
    if app.config.get("ENV_NAME") == "production" and not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set in production (OTKLIK_ENV=production).")
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if uri.startswith("postgresql://"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri.removeprefix("postgresql://")


def _init_extensions(app: Flask) -> None:
    from app import models  # noqa: F401  (registers every model)
    from app.community.search_docs import register as register_topic_search
    from app.kb import register as register_kb
    from app.community.media_access import register as register_topic_media
    from app.common.i18n import select_locale

    db.init_app(app)
    register_topic_search()
    register_kb()
    register_topic_media()
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, default_translation_directories="translations")
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"

    from flask_babel import lazy_gettext as _l
    login_manager.login_message = _l("Please log in to continue.")

    @login_manager.user_loader
    def load_user(user_id: str):
        from app.auth.models import User
        return db.session.get(User, int(user_id)) if user_id.isdigit() else None

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from sqlalchemy import event

        with app.app_context():
            @event.listens_for(db.engine, "connect")
            def _sqlite_pragmas(dbapi_connection, _record):
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA foreign_keys=ON")
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.close()


def _register_blueprints(app: Flask) -> None:
    from app.admin.routes import bp as admin_bp
    from app.analytics.routes import bp as analytics_bp
    from app.auth.routes import bp as auth_bp
    from app.community.profile_routes import bp as profile_bp
    from app.community.routes import bp as community_bp
    from app.community.edit_routes import bp as topic_edit_bp
    from app.community.search_routes import bp as search_bp
    from app.health import bp as health_bp
    from app.kb.editor_routes import bp as kb_editor_bp
    from app.kb.routes import bp as kb_bp
    from app.media.routes import bp as media_bp
    from app.moderation.routes import bp as moderation_bp
    from app.news.routes import bp as news_bp
    from app.seo.routes import bp as seo_bp
    from app.notify.routes import bp as notify_bp
    from app.search.routes import bp as search_api_bp
    from app.social.routes import bp as social_bp
    from app.staff.routes import bp as staff_bp

    blueprints = (community_bp, topic_edit_bp, auth_bp, profile_bp, search_bp, search_api_bp, analytics_bp, admin_bp, health_bp, media_bp, seo_bp, kb_bp, kb_editor_bp, notify_bp, staff_bp, moderation_bp, news_bp, social_bp)
    for blueprint in blueprints:
        app.register_blueprint(blueprint)


def _register_template_helpers(app: Flask) -> None:
    from app.common.templating import init_templating
    init_templating(app)
