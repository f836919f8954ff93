"""The dashboard's tables as CSV: UTF-8 with a byte-order mark, so that Excel opens Cyrillic correctly."""

import csv
import io

from flask_babel import gettext as _

from app.analytics import (
    call_centre,
    funnel_reports,
    mood_reports,
    reports,
    satisfaction_reports,
    service_levels,
    zero_searches,
)
from app.analytics.labels import source_label
from app.analytics.periods import Period
from app.community import kinds


def _csv(header: list[str], rows) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def visits_by_day(period: Period, _departments=None) -> str:
    data = reports.visits(period)
    return _csv([_("Day"), _("Visitors"), _("Page views")], ((d.isoformat(), v, p) for d, v, p in data.by_day))


def visits_by_source(period: Period, _departments=None) -> str:
    data = reports.visits(period)
    rows = [(source_label(s), "", data.by_source.get(s, 0)) for s in reports.SOURCE_ORDER]
    rows += [(source_label(s), name, count) for s, name, count in data.by_source_name]
    return _csv([_("Source"), _("Site or network"), _("Visitors")], rows)


def activity(period: Period, departments=None) -> str:
    data = reports.activity(period, departments)
    rows = [(_("Active participants"), data.participants)]
    rows += [(str(kinds.TYPE_PLURALS[t]), data.topics_by_type.get(t, 0)) for t in kinds.TOPIC_TYPES]
    rows += [(_("Comments"), data.comments), (_("Official answers"), data.official_answers), (_("Votes"), data.votes)]
    rows += [(str(kinds.MOOD_LABELS[m]), data.moods.get(m, 0)) for m in kinds.MOODS]
    rows += [(str(kinds.CHANNEL_LABELS[c]), data.topics_by_channel.get(c, 0)) for c in kinds.CHANNELS]
    if departments is None:
        share = call_centre.community_share(period)
        rows += [
            (_("Requests solved in the community"), share.community_solved),
            (_("Requests handled by the call centre"), round(share.call_centre) if share.months_known else ""),
            (
                _("Community share of all requests solved (%)"),
                _num(share.share * 100) if share.share is not None else "",
            ),
        ]
    return _csv([_("Figure"), _("Count")], rows)


def funnel(period: Period, _departments=None) -> str:
    data = reports.funnel(period)
    return _csv(
        [_("Step"), _("Drafts")],
        [
            (_("Typing produced suggestions"), data.drafts_with_suggestions),
            (_("A suggestion was opened"), data.clicked),
            (_("Left without posting (deflected)"), data.deflected),
            (_("Posted a new request after suggestions"), data.posted_after_suggestions),
            (_("Posted from the ask form"), data.posted_total),
        ],
    )


def _funnel_rows(period: Period, by: str, departments) -> str:
    rows = [
        (
            row.name,
            row.now.drafts_with_suggestions,
            row.now.clicked,
            row.now.deflected,
            row.now.posted_after_suggestions,
            row.now.posted_total,
            _num(row.now.rate * 100) if row.now.rate is not None else "",
            row.before.drafts_with_suggestions,
            _num(row.before.rate * 100) if row.before.rate is not None else "",
        )
        for row in funnel_reports.breakdown(period, by, departments)
    ]
    header = [
        _("Channel") if by == funnel_reports.CHANNEL else _("Category"),
        _("Typing produced suggestions"),
        _("A suggestion was opened"),
        _("Left without posting (deflected)"),
        _("Posted a new request after suggestions"),
        _("Posted from the ask form"),
        _("Deflection rate (%)"),
        _("Suggestions in the previous period"),
        _("Deflection rate in the previous period (%)"),
    ]
    return _csv(header, rows)


def funnel_by_channel(period: Period, departments=None) -> str:
    return _funnel_rows(period, funnel_reports.CHANNEL, departments)


def funnel_by_category(period: Period, departments=None) -> str:
    return _funnel_rows(period, funnel_reports.CATEGORY, departments)


def moods_by_category(period: Period, departments=None) -> str:
    rows = [
        (
            row.category,
            row.department,
            *(row.counts[m] for m in kinds.MOODS),
            _num(row.upset_share * 100) if row.upset_share is not None else "",
            _num(row.upset_before * 100) if row.upset_before is not None else "",
        )
        for row in mood_reports.by_category(period, departments)
    ]
    header = [
        _("Category"),
        _("Department"),
        *(str(kinds.MOOD_LABELS[m]) for m in kinds.MOODS),
        _("Upset share (%)"),
        _("Upset share in the previous period (%)"),
    ]
    return _csv(header, rows)


def _num(value) -> str:
    return "" if value is None else f"{value:.1f}" if isinstance(value, float) else str(value)


def service_level_rows(period: Period, departments=None) -> str:
    from app.common.db import utcnow

    levels, people = service_levels.report(period, utcnow(), departments)
    rows = []
    for kind, group in ((_("Department"), levels), (_("Representative"), people)):
        for item in group:
            rows.append(
                (
                    kind,
                    item.name or _("Not assigned"),
                    item.topics,
                    _num(item.median("first_response")),
                    _num(item.p90("first_response")),
                    _num(item.first_share),
                    _num(item.median("solution")),
                    _num(item.p90("solution")),
                    _num(item.solution_share),
                    item.backlog,
                    item.overdue,
                )
            )
    return _csv(
        [
            _("Group"),
            _("Name"),
            _("Topics"),
            _("First answer, median (working hours)"),
            _("First answer, 90th percentile"),
            _("First answer within target"),
            _("Solution, median (working hours)"),
            _("Solution, 90th percentile"),
            _("Solution within target"),
            _("Backlog now"),
            _("Overdue now"),
        ],
        rows,
    )


def satisfaction(period: Period, departments=None) -> str:
    total, per_department, per_person = satisfaction_reports.csat(period, departments)
    rows = [(_("Total"), "", total.answers, _num(total.average), _num(total.solved_share), total.low)]
    for kind, group in ((_("Department"), per_department), (_("Representative"), per_person)):
        rows += [(kind, row.name, row.answers, _num(row.average), _num(row.solved_share), row.low) for row in group]
    if departments is None:
        nps = satisfaction_reports.nps(period)
        rows.append((_("NPS"), "", nps.answers, _num(nps.score), "", nps.detractors))
    return _csv([_("Group"), _("Name"), _("Ratings"), _("Average"), _("Solved"), _("Low (1–2)")], rows)


def nps_trend(period: Period, departments=None) -> str:
    """NPS per week or month (administrators only: NPS is not tied to a department)."""
    if departments is not None:
        return _csv([_("Week or month from"), _("Answers"), _("NPS")], [])
    unit, buckets = satisfaction_reports.nps_trend(period)
    header = [_("Week from") if unit == "week" else _("Month from"), _("Answers"), _("NPS")]
    return _csv(header, ((b.start.isoformat(), b.answers, _num(b.score)) for b in buckets))


def zero_search_rows(period: Period, _departments=None) -> str:
    """What customers searched for and found nothing: the knowledge base's to-do list (staff only, masked)."""
    rows = zero_searches.top(period, period.previous())
    return _csv(
        [_("Searched for"), _("Visitors"), _("Searches"), _("Visitors in the previous period")],
        ((row.query, row.visitors, row.searches, row.visitors_before) for row in rows),
    )


TABLES = {
    "visits-by-day": visits_by_day,
    "visits-by-source": visits_by_source,
    "activity": activity,
    "funnel": funnel,
    "service-levels": service_level_rows,
    "satisfaction": satisfaction,
    "nps-trend": nps_trend,
    "zero-searches": zero_search_rows,
    "funnel-by-channel": funnel_by_channel,
    "funnel-by-category": funnel_by_category,
    "moods-by-category": moods_by_category,
}
