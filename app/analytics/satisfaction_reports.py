"""CSAT and NPS figures for a period: overall, per department and per representative."""

from dataclasses import dataclass

from sqlalchemy import case, func, select

from app.analytics.models import CsatResponse, NpsResponse
from app.analytics.periods import Period
from app.analytics.satisfaction import nps_score
from app.auth.models import User
from app.extensions import db
from app.staff.models import Department


@dataclass
class Csat:
    name: str
    answers: int
    average: float | None
    solved_share: float | None
    low: int


def _csat_columns():
    return (
        func.count(),
        func.avg(CsatResponse.score),
        func.avg(case((CsatResponse.solved.is_(True), 1.0), else_=0.0)),
        func.sum(case((CsatResponse.score <= 2, 1), else_=0)),
    )


def _row(name, answers, average, solved, low) -> Csat:
    return Csat(
        name,
        int(answers or 0),
        float(average) if average is not None else None,
        float(solved) if solved is not None else None,
        int(low or 0),
    )


def csat(period: Period, departments=None) -> tuple[Csat, list[Csat], list[Csat]]:
    scope = [CsatResponse.created_at >= period.since, CsatResponse.created_at < period.until]
    if departments is not None:
        scope.append(CsatResponse.department_id.in_(departments or [-1]))
    total = _row("", *db.session.execute(select(*_csat_columns()).where(*scope)).one())
    per_department = _csat_by(Department.name, Department, Department.id == CsatResponse.department_id, scope)
    per_person = _csat_by(User.display_name, User, User.id == CsatResponse.representative_id, scope)
    return total, per_department, per_person


def _csat_by(label, model, joined_on, scope) -> list[Csat]:
    """CSAT rows grouped by `label` of the joined `model` ("—" where the response has none)."""
    return [
        _row(name or "—", *rest)
        for name, *rest in db.session.execute(
            select(label, *_csat_columns())
            .select_from(CsatResponse)
            .outerjoin(model, joined_on)
            .where(*scope)
            .group_by(label)
            .order_by(label)
        )
    ]


@dataclass
class Nps:
    answers: int
    dismissed: int
    score: float | None
    promoters: int
    passives: int
    detractors: int


def nps(period: Period) -> Nps:
    scores = [
        s
        for (s,) in db.session.execute(
            select(NpsResponse.score).where(
                NpsResponse.created_at >= period.since, NpsResponse.created_at < period.until
            )
        )
    ]
    answered = [s for s in scores if s is not None]
    return Nps(
        len(answered),
        len(scores) - len(answered),
        nps_score(answered),
        sum(1 for s in answered if s >= 9),
        sum(1 for s in answered if 7 <= s <= 8),
        sum(1 for s in answered if s <= 6),
    )
