"""The panel page, for the widget's own route and for the other entry points that frame it (the VK and
Facebook apps): `panel_response(host, channel=..., user=...)`.

`host` is the origin that frames the panel (the widget's route: the company's site it checked against the
allowed list), or, for an entry framed by a platform with several origins (VK, Facebook), the tuple of those
origins. The panel accepts messages only from them and answers only its parent's one. The caller has checked
`host` and called `app.common.framing.allow_framing_by(...)` with the same origins. With `user` (signed in by
the caller, e.g. through VK or Facebook) the panel gets its posting credential at once and needs no sign-in popup.
"""

import secrets

from flask import current_app, render_template, url_for

from app.community import kinds
from app.widget import queries, tokens


def _category_id(categories, wanted) -> int | None:
    wanted = str(wanted or "")
    return next((c.id for c in categories if wanted and (str(c.id) == wanted or c.name == wanted)), None)


def panel_config(host, channel: str = kinds.WIDGET, user=None) -> dict:
    """What the panel's script needs (the JSON data block): URLs, labels, its tokens."""
    draft = secrets.token_hex(12)
    hosts = [host] if isinstance(host, str) else list(host)
    config = {
        "hosts": hosts,
        "draft": draft,
        "channel": channel,
        "panelToken": tokens.issue_panel_token(draft, channel),
        "suggestUrl": url_for("search_api.suggest"),
        "eventsUrl": url_for("widget.events"),
        "postUrl": url_for("widget.post_topic"),
        "signinUrl": url_for("widget.signin"),
        "threadUrl": url_for("widget.thread", topic_id=0),
        "types": dict(kinds.TYPE_LABELS),
        "statuses": dict(kinds.STATUS_LABELS),
        "credential": None,
        # An app entry's address carries its signed launch parameters: the script takes them out of the address bar.
        "cleanAddress": channel != kinds.WIDGET,
    }
    if user is not None and getattr(user, "is_authenticated", False):
        token = tokens.issue_post_token(user, channel)
        config["credential"] = {"token": token, "csrf": tokens.csrf_for(token), "name": user.display_name}
    return config


def panel_response(host, channel: str = kinds.WIDGET, user=None, category=None):
    categories = queries.categories()
    response = current_app.make_response(
        render_template(
            "widget/panel.html",
            config=panel_config(host, channel, user),
            categories=categories,
            category_id=_category_id(categories, category),
            kinds=kinds,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response
