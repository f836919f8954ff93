"""The mood-alert threshold an administrator sets (/admin/analytics/mood-alerts), kept in the versioned settings
store (app/branding/store.py, key "mood_alerts"); until it is first saved, MOOD_ALERT_POINTS and
MOOD_ALERT_MIN_TOPICS from the configuration apply."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.branding import store
from app.common.errors import DomainError, Forbidden
from app.common.permissions import ADMIN

KEY = "mood_alerts"
POINTS_RANGE = (1.0, 100.0)
MIN_TOPICS_RANGE = (1, 10_000)


@dataclass(frozen=True)
class Threshold:
    points: float  # percentage points the upset share must rise by
    min_topics: int  # upset topics needed in the last 7 days


def threshold() -> Threshold:
    """The saved threshold (one version check per request), the configuration's for what was never saved."""
    saved = store.cached(KEY, lambda _version, value: dict(value))
    config = current_app.config
    return Threshold(
        float(saved.get("points", config["MOOD_ALERT_POINTS"])),
        int(saved.get("min_topics", config["MOOD_ALERT_MIN_TOPICS"])),
    )


def save_threshold(actor, points, min_topics) -> Threshold:
    """Validate and store the threshold in the caller's transaction (no commit)."""
    if getattr(actor, "role", None) != ADMIN:
        raise Forbidden(_l("Only administrators set the mood alert threshold."))
    try:
        points = float(points)
    except (TypeError, ValueError):
        points = None
    if points is None or not POINTS_RANGE[0] <= points <= POINTS_RANGE[1]:
        raise DomainError(_l("Enter a rise between 1 and 100 percentage points."), field="points")
    if isinstance(min_topics, bool) or not isinstance(min_topics, int):
        raise DomainError(_l("Enter a whole number of topics."), field="min_topics")
    if not MIN_TOPICS_RANGE[0] <= min_topics <= MIN_TOPICS_RANGE[1]:
        raise DomainError(_l("Enter between 1 and 10,000 upset topics."), field="min_topics")
    store.write(KEY, {"points": round(points, 1), "min_topics": min_topics}, actor)
    return Threshold(round(points, 1), min_topics)
