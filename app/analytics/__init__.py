"""Analytics: append-only events, privacy-friendly visit counting, and the dashboard built from them."""

DEFAULTS = {
    "ANALYTICS_ENABLED": True,
    "ANALYTICS_FLUSH_BATCH": 200,  # buffered page views that trigger a write
    "ANALYTICS_FLUSH_SECONDS": 10,  # ... or the age of the oldest one
    "ANALYTICS_RAW_DAYS": 400,  # raw page views kept this long after being rolled up
    "ANALYTICS_COMPANY_HOSTS": "",  # the company's own site(s), comma-separated: www.bank.example
    "ANALYTICS_ROLLUP": "inline",  # rebuild the roll-ups of changed days after commit; "deferred": a worker does
    "MOOD_ALERT_POINTS": 15.0,  # mood alert: rise of the upset share, in percentage points ...
    "MOOD_ALERT_MIN_TOPICS": 5,  # ... with at least this many upset topics in the last 7 days
}


def init_app(app) -> None:
    import os

    from app.analytics import rollup_outbox, visits
    from app.analytics.call_centre_routes import bp as call_centre_bp
    from app.analytics.cli import analytics_cli
    from app.analytics.dashboard import bp as dashboard_bp
    from app.analytics.mood_routes import bp as mood_bp
    from app.analytics.routes import bp
    from app.analytics.satisfaction_routes import bp as satisfaction_bp
    from app.branding import store

    for key, default in DEFAULTS.items():
        value = os.environ.get(key)
        if value is not None and key not in app.config:
            value = value.lower() in {"1", "true", "yes", "on"} if isinstance(default, bool) else type(default)(value)
        app.config.setdefault(key, default if value is None else value)
    app.extensions[rollup_outbox.ENABLED] = True
    app.register_blueprint(bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(satisfaction_bp)
    app.register_blueprint(call_centre_bp)
    app.register_blueprint(mood_bp)
    store.listen()  # the mood-alert threshold lives in the settings store: announce its saves
    _template_helpers(app)
    app.after_request(visits.count_view)
    app.cli.add_command(analytics_cli)


def _template_helpers(app) -> None:
    from app.analytics import satisfaction
    from app.analytics.forms import CsatForm, NpsForm

    app.jinja_env.globals.update(
        csat_open=satisfaction.csat_open, nps_open=satisfaction.nps_open, csat_form_for=CsatForm, nps_form_for=NpsForm
    )
