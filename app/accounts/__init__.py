"""Accounts: password reset by e-mail, e-mail confirmation, the `flask users` commands for a production install."""

DEFAULTS = {
    "EMAIL_VERIFICATION": "reset-only",  # required | reset-only | off
    "EMAIL_VERIFICATION_MAX_AGE": 7 * 24 * 3600,
    "PASSWORD_RESET_MAX_AGE": 3600,
    "RATELIMIT_PASSWORD_RESET": "5/minute;20/hour",
    "RATELIMIT_VERIFICATION_RESEND": "3/hour",
    # Seconds a "forgot password" answer takes at least, for a known and an unknown address alike (the known
    # one queues and sends a mail). Above the time an inline send takes with your mail server.
    "ACCOUNT_ANSWER_FLOOR": 0.25,
}


def init_app(app) -> None:
    from app.accounts import services
    from app.accounts.cli import users_cli
    from app.accounts.routes import ResendForm, bp
    from app.auth.rules import (
        block_message,
        must_verify_before_posting,
        posting_block_active,
    )
    from app.common import signals

    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    if app.config["EMAIL_VERIFICATION"] not in services.VERIFICATION_MODES:
        raise RuntimeError("EMAIL_VERIFICATION must be one of " + ", ".join(services.VERIFICATION_MODES))
    app.register_blueprint(bp)
    app.cli.add_command(users_cli)
    signals.user_registered.connect(services.on_registered)
    signals.registration_for_taken_email.connect(services.on_registration_for_taken_email)
    app.jinja_env.globals["accounts_must_verify"] = must_verify_before_posting
    app.jinja_env.globals["accounts_resend_form"] = ResendForm
    app.jinja_env.globals["accounts_block_message"] = lambda user: (
        block_message(user) if posting_block_active(user) else None
    )
