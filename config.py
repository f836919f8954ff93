"""Configuration: every value comes from the environment with a safe default."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'otklik.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "whoosh")
    # inline: apply index changes right after each commit; deferred: leave them to `flask search sync` / a worker.
    SEARCH_SYNC = os.environ.get("SEARCH_SYNC", "inline")
    SEARCH_INDEX_DIR = os.environ.get("SEARCH_INDEX_DIR", str(BASE_DIR / "search_index"))
    # Matching by meaning (app/search/semantic_rank.py): on/off, share of meaning, neighbours, their floor.
    SEARCH_SEMANTIC = os.environ.get("SEARCH_SEMANTIC", "1") != "0"
    # The blend is off by default: 0.2-0.4 did not help on all four bench sets (bench/README.md).
    SEARCH_SEMANTIC_WEIGHT = float(os.environ.get("SEARCH_SEMANTIC_WEIGHT", "0"))
    SEARCH_SEMANTIC_NEIGHBOURS = int(os.environ.get("SEARCH_SEMANTIC_NEIGHBOURS", "3"))
    SEARCH_SEMANTIC_MIN_COSINE = float(os.environ.get("SEARCH_SEMANTIC_MIN_COSINE", "0.5"))
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(BASE_DIR / "instance" / "uploads"))
    UPLOAD_STORAGE = os.environ.get("UPLOAD_STORAGE", "local")  # the storage backend (app/media/storage.py)
    UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(5 * 1024 * 1024)))
    UPLOAD_MAX_PIXELS = int(os.environ.get("UPLOAD_MAX_PIXELS", "25000000"))  # width x height of one frame
    UPLOAD_MAX_ANIMATION_PIXELS = int(os.environ.get("UPLOAD_MAX_ANIMATION_PIXELS", "100000000"))  # all frames
    UPLOAD_HOURLY_LIMIT = int(os.environ.get("UPLOAD_HOURLY_LIMIT", "60"))  # images per user per hour; 0: no limit
    SITEMAP_MAX_URLS = int(os.environ.get("SITEMAP_MAX_URLS", "50000"))  # per sitemap file (the protocol's limit)
    FEED_ITEMS = int(os.environ.get("FEED_ITEMS", "50"))
    REDIS_URL = os.environ.get("REDIS_URL", "")
    COMMUNITY_NAME = os.environ.get("COMMUNITY_NAME", "Otklik")
    BABEL_DEFAULT_LOCALE = os.environ.get("DEFAULT_LOCALE", "ru")
    LANGUAGES = ("en", "ru", "uk")
    TOPICS_PER_PAGE = int(os.environ.get("TOPICS_PER_PAGE", "20"))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(16 * 1024 * 1024)))
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    PROXY_FIX = _env_bool("PROXY_FIX", False)
    DEMO_ALLOWED = True
    # Notifications (app/notify). PUBLIC_URL is the address people open: links in e-mails are built from it.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")
    # outbox: keep messages in the database and show them at /admin/outbox (development); smtp: send them.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "outbox")
    # inline: send right after the commit that queued the mail; deferred: leave it to `flask notify send`.
    MAIL_SEND = os.environ.get("MAIL_SEND", "inline")
    MAIL_INLINE_LIMIT = int(os.environ.get("MAIL_INLINE_LIMIT", "20"))  # at most this many sent inline per request
    MAIL_FROM = os.environ.get("MAIL_FROM", "noreply@localhost")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)  # STARTTLS after connecting
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)  # TLS from the first byte (port 465)
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "10"))
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "10"))
    # A message claimed by a sender longer ago than this is taken as abandoned (the sender died) and re-queued.
    MAIL_CLAIM_TIMEOUT = int(os.environ.get("MAIL_CLAIM_TIMEOUT", "600"))
    # Social import (app/social): where imported posts go, and the X API for `flask import tweets --recent`.
    SOCIAL_IMPORT_CATEGORY = os.environ.get("SOCIAL_IMPORT_CATEGORY", "")  # category id or name
    SOCIAL_IMPORT_TYPE = os.environ.get("SOCIAL_IMPORT_TYPE", "problem")  # problem, question or auto
    X_BEARER_TOKEN = os.environ.get("X_BEARER_TOKEN", "")
    X_QUERY = os.environ.get("X_QUERY", "")  # e.g. "@yourbank -is:retweet"
    X_API_BASE_URL = os.environ.get("X_API_BASE_URL", "https://api.x.com")
    X_API_TIMEOUT = float(os.environ.get("X_API_TIMEOUT", "10"))
    X_MAX_PAGES = int(os.environ.get("X_MAX_PAGES", "5"))


class ProductionConfig(Config):
    ENV_NAME = "production"
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    DEMO_ALLOWED = False
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    BABEL_DEFAULT_LOCALE = "en"
    MAIL_BACKEND = "outbox"  # tests that check delivery point the app at their own SMTP server
    MAIL_SEND = "inline"
    ARGON2_COST = (1, 8192)  # (time_cost, memory_cost KiB): still Argon2id, cheap enough for hundreds of tests
    X_BEARER_TOKEN = ""  # tests never reach the real X API: they point X_API_BASE_URL at a local server
    X_API_BASE_URL = "http://127.0.0.1:9"


def config_from_env():
    name = os.environ.get("OTKLIK_ENV", "development").lower()
    return {"production": ProductionConfig, "test": TestConfig}.get(name, Config)
