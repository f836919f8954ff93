"""The daily overdue digest: one e-mail a day to each department lead, listing the overdue topics of the
departments they lead (app.staff decides what is overdue). Run by `flask notify digest` (cron, once a day);
running it again the same day queues nothing new (the dedup key holds the date)."""

from datetime import date, datetime

from flask_babel import ngettext
from sqlalchemy import select

from app.common.db import utcnow
from app.common.policy import can
from app.extensions import db
from app.notify import links, queries
from app.notify.compose import DIGEST, insert_mail, wants
from app.notify.render import render_mail
from app.staff import access as staff_access
from app.staff import queries as staff_queries
from app.staff.models import Department


def queue_digests(now: datetime | None = None) -> set[str]:
    """Queue today's digests in db.session (the caller commits). Returns the dedup keys."""
    now = now or utcnow()
    day: date = now.date()
    per_lead: dict[int, tuple[object, list]] = {}
    for department in db.session.scalars(select(Department).order_by(Department.name)):
        leads = staff_access.leads_of(department.id)
        if not leads:
            continue
        overdue = staff_queries.overdue_topics(department.id, now)
        if not overdue:
            continue
        for lead in leads:
            works = [w for w in overdue if can(lead, "see_staff_panel") and can(lead, "view_topic", w.topic)]
            if works:
                per_lead.setdefault(lead.id, (lead, []))[1].append((department, works))
    settings = queries.settings_for(db.session, per_lead)
    rows = []
    for lead_id, (lead, sections) in per_lead.items():
        if not wants(settings[lead_id], DIGEST):
            continue
        total = sum(len(works) for _, works in sections)
        row = render_mail(
            lead,
            "digest",
            links.DIGEST,
            lambda total=total: ngettext("%(num)d overdue topic", "%(num)d overdue topics", total),
            sections=sections,
            now=now,
            total=total,
            topic_url=lambda topic: links.public_url("community.topic", topic_id=topic.id, slug=topic.slug),
            queue_url=_queue_url(),
        )
        row.update(dedup_key=f"digest:{day.isoformat()}:to:{lead_id}", event=DIGEST)
        rows.append(row)
    return insert_mail(db.session, rows)


def _queue_url() -> str | None:
    from flask import current_app

    if "staff.queues" not in current_app.view_functions:
        return None
    return links.public_url("staff.queues")
