"""/admin/system (queues, dead letters, index lag, database size, job runs) and /admin/dead-letters (retry)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.common.permissions import ADMIN, role_required
from app.extensions import db
from app.jobs import queue, stats
from app.jobs.registry import get_outbox, outboxes

bp = Blueprint("jobs", __name__, url_prefix="/admin")
DEAD_LETTERS_SHOWN = 100


@bp.before_request
@role_required(ADMIN)
def guard():
    return None


@bp.route("/system")
def system():
    return render_template("jobs/system.html", data=stats.collect())


@bp.route("/dead-letters")
def dead_letters():
    sections = [(source, source.dead_count(), source.dead_letters(DEAD_LETTERS_SHOWN)) for source in outboxes()]
    return render_template("jobs/dead_letters.html", sections=sections)


@bp.route("/dead-letters/retry", methods=["POST"])
def retry():
    source = get_outbox(request.form.get("source", ""))
    if source is None:
        abort(400)
    raw = request.form.get("id", "all")
    if raw != "all" and not raw.isdigit():
        abort(400)
    count = source.retry(None if raw == "all" else [int(raw)])
    db.session.commit()
    queue.enqueue(source.job)
    flash(_("%(count)d queued again.", count=count), "success")
    return redirect(url_for("jobs.dead_letters"))
