"""Analytics: append-only events, privacy-friendly visit counting, and the dashboard built from them."""

DEFAULTS = {
    "ANALYTICS_ENABLED": True,
    "ANALYTICS_FLUSH_BATCH": 200,  # buffered page views that trigger a write
    "ANALYTICS_FLUSH_SECONDS": 10,  # ... or the age of the oldest one
    "ANALYTICS_LOCAL_MAX": 100000,  # views kept in process memory while Redis is away (then the oldest dropped)
    "ANALYTICS_RAW_DAYS": 400,  # raw page views kept this long after being rolled up
    "ANALYTICS_COMPANY_HOSTS": "",  # the company's own site(s), comma-separated: www.bank.example
    "ANALYTICS_ROLLUP": "inline",  # rebuild the roll-ups of changed days after commit; "deferred": a worker does
    # Today's roll-ups wait until its oldest change is this old (seconds; 0: at once): nothing reads them before
    # midnight, and rebuilding a busy day after every write kept a worker busy (app/analytics/rollup_outbox.py).
    "ANALYTICS_TODAY_SECONDS": 60,
    "MOOD_ALERT_POINTS": 15.0,  # mood alert: rise of the upset share, in percentage points ...
    "MOOD_ALERT_MIN_TOPICS": 5,  # ... with at least this many upset topics in the last 7 days
}


def init_app(app) -> None:
    from app.common import pagecache

    pagecache.private_tables(
        "events",
        "page_views",
        "visitor_days",
        "daily_visits",
        "csat_responses",
        "nps_responses",
        "mood_alerts",
        "call_centre_months",
        "daily_activity",
        "daily_participants",
        "daily_funnel",
        "daily_zero_searches",
        "topic_service",
        "rollup_outbox",
    )  # never shown on a cached public page
    import os

    from app.analytics import rollup_outbox, visits, zero_searches
    from app.analytics.call_centre_routes import bp as call_centre_bp
    from app.analytics.cli import analytics_cli
    from app.analytics.dashboard import bp as dashboard_bp
    from app.analytics.mood_routes import bp as mood_bp
    from app.analytics.routes import bp
    from app.analytics.satisfaction_routes import bp as satisfaction_bp
    from app.branding import store
    from app.common import fastpath

    for key, default in DEFAULTS.items():
        value = os.environ.get(key)
        if value is not None and key not in app.config:
            value = value.lower() in {"1", "true", "yes", "on"} if isinstance(default, bool) else type(default)(value)
        app.config.setdefault(key, default if value is None else value)
    app.extensions[rollup_outbox.ENABLED] = True
    zero_searches.connect()  # the same receiver connected twice is kept once
    app.register_blueprint(bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(satisfaction_bp)
    app.register_blueprint(call_centre_bp)
    app.register_blueprint(mood_bp)
    store.listen()  # the mood-alert threshold lives in the settings store: announce its saves
    _template_helpers(app)
    app.after_request(visits.count_view)
    fastpath.on_hit(app, visits.fast_path_view)  # pages the page cache's fast path serves count too
    app.cli.add_command(analytics_cli)
    _schedule(app)


def _schedule(app) -> None:
    """The analytics work the worker runs (app/jobs): roll-ups after writes and on schedule, alerts, page views."""
    from app.analytics import periodic, rollup_outbox, visits
    from app.common.db import utcnow
    from app.jobs.registry import SWEEP, register_job, register_periodic

    register_job(app, rollup_outbox.JOB, rollup_outbox.run_rollup_job, every=SWEEP)
    register_periodic(app, "analytics.sweep", lambda: periodic.sweep(utcnow()), every=24 * 3600)
    register_periodic(app, "analytics.mood_alerts", lambda: periodic.mood_alerts(utcnow()), every=3600)
    register_periodic(app, "analytics.visits", visits.flush, every=float(app.config["ANALYTICS_FLUSH_SECONDS"]))


def _template_helpers(app) -> None:
    from app.analytics import satisfaction
    from app.analytics.forms import CsatForm, NpsForm

    app.jinja_env.globals.update(
        csat_open=satisfaction.csat_open, nps_open=satisfaction.nps_open, csat_form_for=CsatForm, nps_form_for=NpsForm
    )
