"""Community vs call centre: the call centre's requests per month (entered or uploaded as CSV by an
administrator) and the community's share of all requests solved."""

import calendar
import csv
import io
import re
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.analytics.models import CallCentreMonth
from app.analytics.periods import Period
from app.analytics.rollup_models import DailyActivity
from app.analytics.rollup_reads import split
from app.common.db import utcnow
from app.common.errors import DomainError
from app.extensions import db

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
MAX_REQUESTS = 100_000_000
MAX_ROWS = 600


class CsvRowsError(DomainError):
    """Some rows of an uploaded CSV are wrong: `problems` lists them (line number, message); nothing is saved."""

    def __init__(self, problems: list[tuple[int, str]]):
        super().__init__(_l("The file has mistakes; nothing was saved."))
        self.problems = problems


def parse_month(value: str) -> str | None:
    match = MONTH_RE.match((value or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2100:
        return None
    return match.group(0)


def _parse_requests(value: str) -> int | None:
    value = (value or "").strip().replace(" ", "").replace("\u00a0", "")
    return int(value) if value.isdigit() and int(value) <= MAX_REQUESTS else None


def parse_csv(data: bytes) -> dict[str, int]:
    """{month: requests} from `month,requests` lines (a header line is allowed; `;` too, as Excel writes it).
    Raises CsvRowsError listing every bad line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(_l("The file is not UTF-8 text; save it as CSV (UTF-8).")) from None
    reader = csv.reader(io.StringIO(text), delimiter=";" if text.count(";") > text.count(",") else ",")
    months: dict[str, int] = {}
    problems: list[tuple[int, str]] = []
    for line, row in enumerate(reader, start=1):
        cells = [c.strip() for c in row]
        if not any(cells) or (line == 1 and parse_month(cells[0]) is None and not cells[0][:1].isdigit()):
            continue  # blank line or header
        problem = _row_problem(cells, months)
        if problem:
            problems.append((line, problem))
        else:
            months[parse_month(cells[0])] = _parse_requests(cells[1])
    if problems:
        raise CsvRowsError(problems)
    if not months:
        raise DomainError(_l("The file has no rows: one line per month, like 2026-09,5120."))
    if len(months) > MAX_ROWS:
        raise DomainError(_l("Too many months in one file (at most %(n)d).", n=MAX_ROWS))
    return months


def _row_problem(cells: list[str], seen: dict[str, int]) -> str | None:
    if len(cells) != 2:
        return str(_l("expected two columns, a month and a number of requests"))
    month = parse_month(cells[0])
    if month is None:
        return str(_l("“%(value)s” is not a month like 2026-09", value=cells[0][:20]))
    if _parse_requests(cells[1]) is None:
        return str(_l("“%(value)s” is not a whole number of requests", value=cells[1][:20]))
    if month in seen:
        return str(_l("%(month)s appears twice", month=month))
    return None


def set_call_centre_months(actor, months: dict[str, int]) -> int:
    """Store (or replace) the requests of each month. `actor` is the administrator (checked by the route)."""
    existing = {
        row.month: row
        for row in db.session.scalars(select(CallCentreMonth).where(CallCentreMonth.month.in_(list(months))))
    }
    for month, requests in months.items():
        row = existing.get(month) or CallCentreMonth(month=month)
        row.requests, row.updated_at = requests, utcnow()
        db.session.add(row)
    return len(months)


def delete_call_centre_month(actor, month: str) -> bool:
    row = db.session.get(CallCentreMonth, month)
    if row is not None:
        db.session.delete(row)
    return row is not None


def months() -> list[CallCentreMonth]:
    return list(db.session.scalars(select(CallCentreMonth).order_by(CallCentreMonth.month.desc())))


def _month_overlap(month: str, period: Period) -> float:
    """The part of `month` that falls in the period (call-centre counts are spread evenly over the month)."""
    year, number = int(month[:4]), int(month[5:])
    length = calendar.monthrange(year, number)[1]
    first, last = date(year, number, 1), date(year, number, length)
    days = (min(last, period.end) - max(first, period.start)).days + 1
    return max(days, 0) / length


@dataclass
class Share:
    community_solved: int
    call_centre: float
    months_known: int

    @property
    def share(self) -> float | None:
        total = self.community_solved + self.call_centre
        return self.community_solved / total if total and self.months_known else None


def community_share(period: Period) -> Share:
    """Questions and problems posted in the period and now answered/solved, against the call centre's requests
    in the same period (a month partly in the period counts in proportion)."""
    stored, live = split(period)
    solved = sum(counts["solved"] for counts in live.activity.values()) if live else 0
    if stored is not None:
        solved += (
            db.session.scalar(
                select(func.coalesce(func.sum(DailyActivity.solved), 0)).where(
                    DailyActivity.day.between(stored.start, stored.end)
                )
            )
            or 0
        )
    first, last = period.start.strftime("%Y-%m"), period.end.strftime("%Y-%m")
    rows = db.session.execute(
        select(CallCentreMonth.month, CallCentreMonth.requests).where(CallCentreMonth.month.between(first, last))
    ).all()
    call_centre = sum(requests * _month_overlap(month, period) for month, requests in rows)
    return Share(int(solved), call_centre, len(rows))
