"""Rendering one e-mail for one recipient: their language, the community's name, absolute links, and a
signed unsubscribe link. The templates live in templates/email/ (a .txt and an .html for each mail)."""

import uuid
from collections.abc import Callable

from flask import current_app, render_template
from flask_babel import force_locale

from app.branding import current_brand
from app.notify import links


def recipient_locale(user) -> str:
    languages = current_app.config["LANGUAGES"]
    return user.locale if user.locale in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def new_message_id() -> str:
    return f"<{uuid.uuid4().hex}.otklik@{links.mail_domain()}>"


def topic_thread_id(topic_id: int) -> str:
    """All e-mails about a topic refer to this id, so mail clients show them as one conversation."""
    return f"<topic-{topic_id}.otklik@{links.mail_domain()}>"


def render_mail(user, template: str, scope: str, subject: Callable[[], str], **context) -> dict:
    """The outbox row (as a dict) for `user`. `subject` is called in the recipient's language."""
    with force_locale(recipient_locale(user)):
        unsubscribe_url = links.unsubscribe_url(user.id, scope)
        subject_text = " ".join(str(subject()).split())[:300]
        brand = current_brand()
        values = {
            "community_name": brand.name,
            "brand_color": brand.primary_color,
            "home_url": links.public_url("community.home"),
            "settings_url": links.public_url("notify.settings"),
            "unsubscribe_url": unsubscribe_url,
            "recipient": user,
            "subject": subject_text,
            "link": links.public_url,
            **context,
        }
        body_text = render_template(f"email/{template}.txt", **values)
        body_html = render_template(f"email/{template}.html", **values)
    return {
        "recipient_id": user.id,
        "recipient": user.email,
        "subject": subject_text,
        "body_text": body_text,
        "body_html": body_html,
        "unsubscribe_url": unsubscribe_url,
        "message_id": new_message_id(),
    }


def render_mails(
    users, template: str, scope: str, subject: Callable[[], str], keys: Callable[[object], dict], **context
) -> list[dict]:
    """render_mail() for each user, each row completed with `keys(user)` (dedup_key, event, thread...)."""
    rows = []
    for user in users:
        row = render_mail(user, template, scope, subject, **context)
        row.update(keys(user))
        rows.append(row)
    return rows
