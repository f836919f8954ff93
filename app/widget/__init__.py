"""The "Ask us!" widget: the embeddable loader /widget.js, the panel a company's site frames, and its sign-in."""

import os


def init_app(app) -> None:
    """Settings defaults and the widget's blueprint."""
    from app.widget.routes import bp

    # Origins allowed to frame the panel, comma-separated (e.g. "https://bank.example,https://www.bank.example").
    app.config.setdefault("WIDGET_ORIGINS", os.environ.get("WIDGET_ORIGINS", ""))
    app.config.setdefault("WIDGET_POST_LIMIT", os.environ.get("WIDGET_POST_LIMIT", "10 per hour"))
    app.register_blueprint(bp)
