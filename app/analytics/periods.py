"""The dashboard's period: last 7/30/90 days, a calendar month, or custom dates, and the period before it."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

PRESETS = ("7", "30", "90")
MAX_DAYS = 731


@dataclass(frozen=True)
class Period:
    start: date  # first day, inclusive
    end: date  # last day, inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time.min)

    @property
    def until(self) -> datetime:
        """Exclusive upper bound as a datetime."""
        return datetime.combine(self.end + timedelta(days=1), time.min)

    def previous(self) -> "Period":
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def each_day(self):
        for offset in range(self.days):
            yield self.start + timedelta(days=offset)


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def parse(args, today: date) -> tuple[Period, str]:
    """(period, the preset it came from) from ?period=7|30|90|month&month=YYYY-MM or ?from=&to=; bad input falls
    back to the last 30 days rather than failing."""
    preset = args.get("period", "30")
    if preset == "custom":
        start, end = _parse_date(args.get("from")), _parse_date(args.get("to"))
        if start and end and start <= end and (end - start).days < MAX_DAYS:
            return Period(start, end), "custom"
    if preset == "month":
        first = _parse_date((args.get("month") or "") + "-01")
        if first:
            following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
            return Period(first, following - timedelta(days=1)), "month"
    if preset not in PRESETS:
        preset = "30"
    days = int(preset)
    return Period(today - timedelta(days=days - 1), today), preset
