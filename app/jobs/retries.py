"""When an outbox row that failed is tried again: one schedule for every drain (search index, e-mail to compose).

`next_attempt(attempts)` after the row's n-th failure: exponential back-off from JOBS_BACKOFF_SECONDS (30 s, 60 s,
120 s ... at most an hour), or None once it has failed JOBS_MAX_ATTEMPTS times: then it is a dead letter, listed at
/admin/dead-letters with a retry button."""

from datetime import datetime, timedelta

from flask import current_app

from app.common.db import utcnow

BACKOFF_MAX_SECONDS = 3600


def backoff_seconds(attempts: int) -> float:
    base = float(current_app.config.get("JOBS_BACKOFF_SECONDS", 30))
    return min(base * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)


def next_attempt(attempts: int) -> datetime | None:
    """When to try again after `attempts` failures, or None: it is a dead letter now."""
    if attempts >= int(current_app.config.get("JOBS_MAX_ATTEMPTS", 5)):
        return None
    return utcnow() + timedelta(seconds=backoff_seconds(attempts))
