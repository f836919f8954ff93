"""Chart data for the dashboard, as JSON blocks read by static/js/analytics.js (uPlot). Each chart has the same
figures in an accessible table on the page; these are only the series to draw.

A chart is {"kind": "time" | "bars", "x": [...], "labels": [...] (bars), "series": [{"label", "values"}]}:
"time" x values are Unix seconds of each day; "bars" x values are 0..n-1 with `labels` under them."""

from calendar import timegm
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.analytics import rollups
from app.analytics.labels import source_label
from app.analytics.models import CsatResponse, DailyVisits
from app.analytics.periods import Period
from app.analytics.reports import SOURCE_ORDER, Funnel
from app.analytics.rollup_models import DailyActivity
from app.analytics.rollup_reads import in_scope, split
from app.community import kinds
from app.extensions import db


def _epoch(day: date) -> int:
    return timegm(day.timetuple())


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _time_chart(period: Period, series: dict[str, dict[date, float]]) -> dict:
    days = list(period.each_day())
    return {
        "kind": "time",
        "x": [_epoch(d) for d in days],
        "series": [{"label": str(label), "values": [values.get(d) for d in days]} for label, values in series.items()],
    }


def visits_by_source(period: Period) -> dict:
    series: dict[str, dict[date, float]] = {}
    rows = db.session.execute(
        select(DailyVisits.day, DailyVisits.source, func.sum(DailyVisits.visitors))
        .where(DailyVisits.day.between(period.start, period.end))
        .group_by(DailyVisits.day, DailyVisits.source)
    )
    by_source: dict[str, dict[date, float]] = {}
    for day, source, visitors in rows:
        by_source.setdefault(source, {})[_day(day)] = int(visitors)
    for source in SOURCE_ORDER:
        if source in by_source:
            series[str(source_label(source))] = {d: by_source[source].get(d, 0) for d in period.each_day()}
    return _time_chart(period, series)


def moods_over_time(period: Period, departments=None) -> dict:
    """Topics by mood per day, from the roll-ups (today live)."""
    stored, live = split(period)
    counts: dict[str, dict[date, float]] = {m: {} for m in kinds.MOODS}

    def add(day: date, values: dict) -> None:
        for mood, column in rollups.MOOD_COLUMNS.items():
            counts[mood][day] = counts[mood].get(day, 0) + int(values[column] or 0)

    if stored is not None:
        columns = list(rollups.MOOD_COLUMNS.values())
        scope = [DailyActivity.day.between(stored.start, stored.end)]
        if departments is not None:
            scope.append(DailyActivity.department_id.in_(departments or [-1]))
        for day, *values in db.session.execute(
            select(DailyActivity.day, *(func.sum(getattr(DailyActivity, c)) for c in columns))
            .where(*scope)
            .group_by(DailyActivity.day)
        ):
            add(_day(day), dict(zip(columns, values, strict=True)))
    for (_category, department, _channel), values in live.activity.items() if live else ():
        if in_scope(department, departments):
            add(live.day, values)
    return _time_chart(
        period, {str(kinds.MOOD_LABELS[m]): {d: counts[m].get(d, 0) for d in period.each_day()} for m in kinds.MOODS}
    )


def csat_trend(period: Period, departments=None) -> dict:
    day = func.date(CsatResponse.created_at)
    scope = [CsatResponse.created_at >= period.since, CsatResponse.created_at < period.until]
    if departments is not None:
        scope.append(CsatResponse.department_id.in_(departments or [-1]))
    averages = {
        _day(when): round(float(avg), 2)
        for when, avg in db.session.execute(select(day, func.avg(CsatResponse.score)).where(*scope).group_by(day))
    }
    return _time_chart(period, {_("Average rating (1–5)"): averages})


def nps_trend(buckets) -> dict:
    """NPS per week or month: one point at the first day of each (satisfaction_reports.nps_trend)."""
    return {
        "kind": "time",
        "x": [_epoch(b.start) for b in buckets],
        "series": [
            {
                "label": _("NPS (−100 to 100)"),
                "values": [None if b.score is None else round(b.score, 1) for b in buckets],
            }
        ],
    }


def funnel_bars(funnel: Funnel) -> dict:
    labels = [_("Suggestions shown"), _("Suggestion opened"), _("Deflected"), _("Posted anyway")]
    values = [funnel.drafts_with_suggestions, funnel.clicked, funnel.deflected, funnel.posted_after_suggestions]
    return {
        "kind": "bars",
        "x": list(range(len(labels))),
        "labels": labels,
        "series": [{"label": _("Drafts"), "values": values}],
    }


def response_bars(levels) -> dict:
    labels = [item.name or _("Not assigned") for item in levels]
    return {
        "kind": "bars",
        "x": list(range(len(labels))),
        "labels": labels,
        "series": [
            {
                "label": _("First answer, median (working hours)"),
                "values": [item.median("first_response") for item in levels],
            },
            {"label": _("Solution, median (working hours)"), "values": [item.median("solution") for item in levels]},
        ],
    }


def build(period: Period, departments, funnel: Funnel, levels, nps_buckets=None) -> dict[str, dict]:
    """Every chart of the dashboard, by the id of its JSON block (the NPS trend for administrators only)."""
    built = {
        "chart-visits": visits_by_source(period),
        "chart-funnel": funnel_bars(funnel),
        "chart-moods": moods_over_time(period, departments),
        "chart-response": response_bars(levels),
        "chart-csat": csat_trend(period, departments),
    }
    if nps_buckets is not None:
        built["chart-nps"] = nps_trend(nps_buckets)
    return built
