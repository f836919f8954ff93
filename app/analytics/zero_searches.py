"""Searches that found nothing: the knowledge base's to-do list.

The suggest API (ask form, "Ask us!" panel) and the search pages record a `search_empty` event when a search
found nothing, with the text masked (app/common/sensitive.py) and normalised, and who searched (the account, or
the day's salted visitor hash: no IP kept). Nothing heavier happens in the request: the roll-up job
(app/analytics/rollups.py) turns a day's events into `daily_zero_searches` rows, one per text, and the
dashboard sums them over the period. While a customer types, the ask form asks again at each pause: of one
draft's empty searches only the last (the fullest wording) counts. A visitor counts once per text a day (the
salt changes daily, so anonymous visitors cannot be followed from one day to the next)."""

import re
import unicodedata
from dataclasses import dataclass

from flask import current_app, request
from flask_login import current_user
from sqlalchemy import func, select

from app.analytics import services
from app.analytics.models import Event
from app.analytics.periods import Period
from app.analytics.sources import is_bot
from app.analytics.visits import visitor_hash
from app.common import sensitive
from app.common.db import utcnow
from app.extensions import db

SEARCH_EMPTY = "search_empty"
MAX_CHARS = 200  # DailyZeroSearch.query
MIN_CHARS = 3
TOP = 50
_PUNCT = re.compile(r"[^\w\s•]+")


def normalise(text) -> str:
    """Masked first (a card number's dashes are still there), then: Unicode NFKC, lower case, ё as е, punctuation
    and control characters as spaces, spaces collapsed, cut at a word boundary within MAX_CHARS."""
    if not isinstance(text, str):
        return ""
    text = sensitive.mask(text[: MAX_CHARS * 10]).text
    text = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    text = " ".join(_PUNCT.sub(" ", text).split())
    if len(text) > MAX_CHARS:
        cut = text[: MAX_CHARS + 1].rsplit(" ", 1)[0]
        text = (cut if len(cut) > MAX_CHARS // 2 else text[:MAX_CHARS]).rstrip()
    return text


def visitor_key() -> str:
    """Who searched: the account, or the visitor hash of the day (the same hash page views use)."""
    if current_user.is_authenticated:
        return f"u{current_user.id}"
    agent = request.headers.get("User-Agent", "")[:400]
    return visitor_hash(current_app.secret_key or "", utcnow().date(), request.remote_addr or "", agent)


def connect() -> None:
    from app.common import signals

    signals.search_found_nothing.connect(_on_found_nothing)


def _on_found_nothing(text, where: str = "search", draft_id=None, **_extra) -> Event | None:
    draft = services.clean_draft_id(draft_id)
    if where == "ask" and draft is None:
        return None  # an API client without the ask form: no draft to collapse its keystrokes into
    return record(text, where, draft)


def record(text, where: str, draft_id=None) -> Event | None:
    """Remember a search that found nothing (in the caller's transaction); None when there is nothing worth
    keeping: too short, a bot, or analytics off. `where`: "ask" (suggestions), "search" or "kb"."""
    if not current_app.config.get("ANALYTICS_ENABLED", True) or is_bot(request.headers.get("User-Agent", "")):
        return None
    query = normalise(text)
    if len(query) < MIN_CHARS:
        return None
    data = {"q": query, "v": visitor_key(), "w": where}
    return services.record_event(SEARCH_EMPTY, None, draft_id, data=data, channel=None)


def day_counts(s, since, until) -> dict[str, tuple[int, int]]:
    """{text: (searches, distinct visitors)} of the empty searches made in [since, until)."""
    last_of_draft: dict[str, tuple] = {}
    loose: list[tuple] = []
    for draft, data in s.execute(
        select(Event.draft_id, Event.data)
        .where(Event.name == SEARCH_EMPTY, Event.created_at >= since, Event.created_at < until)
        .order_by(Event.created_at, Event.id)
    ):
        data = data or {}
        if not data.get("q"):
            continue
        item = (data["q"], data.get("v") or "")
        if draft:
            last_of_draft[draft] = item  # typing on: the later, fuller wording replaces the earlier one
        else:
            loose.append(item)
    searches: dict[str, int] = {}
    visitors: dict[str, set] = {}
    for query, visitor in (*last_of_draft.values(), *loose):
        searches[query] = searches.get(query, 0) + 1
        visitors.setdefault(query, set()).add(visitor)
    return {q: (searches[q], len(visitors[q])) for q in searches}


@dataclass
class ZeroSearch:
    query: str
    visitors: int
    searches: int
    visitors_before: int = 0


def top(period: Period, previous: Period | None = None, limit: int = TOP) -> list[ZeroSearch]:
    """The texts most visitors searched for in vain in the period (stored roll-ups, today live), with the
    visitors of the same text in the previous period."""
    rows = _totals(period)
    ranked = sorted(rows.items(), key=lambda item: (-item[1][1], -item[1][0], item[0]))[:limit]
    result = [ZeroSearch(query, visitors, searches) for query, (searches, visitors) in ranked]
    if previous is not None and result:
        before = _totals(previous, [r.query for r in result])
        for row in result:
            row.visitors_before = before.get(row.query, (0, 0))[1]
    return result


def _totals(period: Period, only: list[str] | None = None) -> dict[str, tuple[int, int]]:
    from app.analytics.rollup_models import DailyZeroSearch
    from app.analytics.rollup_reads import split

    stored, live = split(period)
    totals: dict[str, tuple[int, int]] = {}
    if stored is not None:
        scope = [DailyZeroSearch.day.between(stored.start, stored.end)]
        if only is not None:
            scope.append(DailyZeroSearch.query.in_(only))
        stmt = (
            select(DailyZeroSearch.query, func.sum(DailyZeroSearch.searches), func.sum(DailyZeroSearch.visitors))
            .where(*scope)
            .group_by(DailyZeroSearch.query)
        )
        if only is None:
            stmt = stmt.order_by(func.sum(DailyZeroSearch.visitors).desc()).limit(TOP * 4)
        totals = {q: (int(n), int(v)) for q, n, v in db.session.execute(stmt)}
    for query, (searches, visitors) in live.zero_searches.items() if live else ():
        if only is None or query in only:
            n, v = totals.get(query, (0, 0))
            totals[query] = (n + searches, v + visitors)
    return totals
