"""/admin/analytics: the support director's dashboard (administrators, and department leads for their
departments), its CSV downloads."""

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app.analytics import (
    call_centre,
    charts,
    csv_export,
    funnel_reports,
    mood_alerts,
    mood_reports,
    periods,
    reports,
    satisfaction_reports,
    service_levels,
    zero_searches,
)
from app.analytics.labels import source_label
from app.common.db import utcnow
from app.common.permissions import ADMIN
from app.community import kinds
from app.staff.access import lead_department_ids

bp = Blueprint("analytics_dashboard", __name__, url_prefix="/admin/analytics")


def _departments():
    """None for administrators (everything); the departments a lead leads; 404 for anyone else."""
    if not current_user.is_authenticated:
        abort(404)
    if current_user.role == ADMIN:
        return None
    led = lead_department_ids(current_user)
    if not led:
        abort(404)
    return sorted(led)


def _hours_text(value: float | None) -> str:
    return "—" if value is None else _("%(hours).1f h", hours=value)


def _change(now, before) -> float | None:
    return (now - before) / before if before else None


@bp.route("/")
def dashboard():
    departments = _departments()
    period, preset = periods.parse(request.args, utcnow().date())
    previous = period.previous()
    visits, visits_before = reports.visits(period), reports.visits(previous)
    activity, activity_before = reports.activity(period, departments), reports.activity(previous, departments)
    funnel = reports.funnel(period)
    levels, people = service_levels.report(period, utcnow(), departments)
    csat, csat_departments, csat_people = satisfaction_reports.csat(period, departments)
    nps = satisfaction_reports.nps(period) if departments is None else None
    nps_unit, nps_buckets = satisfaction_reports.nps_trend(period) if departments is None else (None, None)
    return render_template(
        "analytics/dashboard.html",
        period=period,
        preset=preset,
        previous=previous,
        departments=departments,
        visits=visits,
        visits_before=visits_before,
        activity=activity,
        activity_before=activity_before,
        funnel=funnel,
        levels=levels,
        people=people,
        csat=csat,
        csat_departments=csat_departments,
        csat_people=csat_people,
        csat_before=satisfaction_reports.csat(previous, departments)[0],
        nps=nps,
        nps_unit=nps_unit,
        nps_buckets=nps_buckets,
        change=_change,
        hours_text=_hours_text,
        source_label=source_label,
        source_order=reports.SOURCE_ORDER,
        kinds=kinds,
        query=request.args.to_dict(),
        mood_alerts=mood_alerts.recent_alerts(departments),
        mood_threshold=mood_alerts.mood_alert_threshold(),
        share=call_centre.community_share(period) if departments is None else None,
        zero_searches=zero_searches.top(period, previous),
        moods_by_category=mood_reports.by_category(period, departments),
        funnel_channels=funnel_reports.breakdown(period, funnel_reports.CHANNEL, departments),
        funnel_categories=funnel_reports.breakdown(period, funnel_reports.CATEGORY, departments),
        charts=charts.build(period, departments, funnel, levels, nps_buckets),
    )


@bp.route("/<name>.csv")
def download(name: str):
    table = csv_export.TABLES.get(name)
    if table is None:
        abort(404)
    departments = _departments()
    period, _preset = periods.parse(request.args, utcnow().date())
    filename = f"otklik-{name}-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    return Response(
        table(period, departments).encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
