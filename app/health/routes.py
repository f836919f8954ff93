"""/healthz: liveness (the process answers; nothing else is touched).
/readyz: readiness: the database, Redis (when configured), the search backend and the background queue
(backlog and the age of the oldest pending outbox row). 200 or 503 with JSON naming what failed."""

import time

from flask import Blueprint, current_app, jsonify

from app.extensions import limiter
from app.health import checks

bp = Blueprint("health", __name__)


@bp.route("/healthz")
@limiter.exempt
def healthz():
    return jsonify(status="ok")


@bp.route("/readyz")
@limiter.exempt
def readyz():
    begun = time.monotonic()
    results = checks.run_all(current_app)
    failed = [name for name, result in results.items() if result.get("ok") is False]
    body = {
        "status": "fail" if failed else "ok",
        "failed": failed,
        "checks": results,
        "ms": round((time.monotonic() - begun) * 1000, 1),
    }
    return jsonify(body), 503 if failed else 200
