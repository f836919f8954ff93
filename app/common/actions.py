"""The body of a one-button POST view (follow, close, hide, delete...), written once.

    return post_action(ActionForm(), lambda: services.close_topic(current_user, topic),
                       _("The topic is closed to new answers."), topic_url)

The form must validate (its CSRF token; else 400), the service makes the change, the view commits once,
flashes what happened and redirects."""

from collections.abc import Callable

from flask import abort, flash, redirect

from app.extensions import db


def post_action(form, action: Callable[[], object], message: str | Callable[[], str] | None, to: str):
    """`message` may be a callable, read after the change (a toggle says which way it went)."""
    if not form.validate_on_submit():
        abort(400)
    action()
    db.session.commit()
    if message is not None:
        flash(message() if callable(message) else message, "success")
    return redirect(to)
