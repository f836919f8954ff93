"""Working-hours arithmetic, pure: no database, no Flask.

Instants are stored like everywhere in the app: naive datetimes in UTC (see app.common.db.utcnow). A
`Calendar` says when a department works: an IANA time zone, the ISO weekdays it works (1 Monday .. 7
Sunday) and one window per working day in local wall-clock minutes (0..1440; 0–1440 is round the clock).

Each working day's window is turned into a UTC interval through the zone, so nights, weekends, daylight
saving changes and zones far from UTC all come out right: a window of 9:00–18:00 is 9 hours of work on
the day the clocks change, while 0:00–24:00 on that day is 23 or 25 real hours.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MINUTES_PER_DAY = 24 * 60
ALL_DAYS = frozenset(range(1, 8))
WEEKDAYS = frozenset(range(1, 6))


class CalendarError(ValueError):
    """A calendar that cannot be used (unknown zone, no working time)."""


def zone(name: str) -> ZoneInfo:
    """The ZoneInfo for an IANA name; CalendarError for anything else (including path tricks)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError) as error:
        raise CalendarError(f"unknown time zone {name!r}") from error


@dataclass(frozen=True)
class Calendar:
    tz: ZoneInfo
    days: frozenset  # ISO weekdays
    open_minute: int = 9 * 60
    close_minute: int = 18 * 60

    def __post_init__(self):
        if not self.days or not set(self.days) <= ALL_DAYS:
            raise CalendarError("a calendar needs at least one working day (1..7)")
        if not 0 <= self.open_minute < self.close_minute <= MINUTES_PER_DAY:
            raise CalendarError("the working day must open before it closes, within 0:00–24:00")

    @classmethod
    def of(cls, zone_name: str, days, open_minute: int, close_minute: int) -> "Calendar":
        return cls(zone(zone_name), frozenset(days), open_minute, close_minute)

    @property
    def is_round_the_clock(self) -> bool:
        return self.days == ALL_DAYS and self.open_minute == 0 and self.close_minute == MINUTES_PER_DAY


def _to_utc_naive(local: datetime) -> datetime:
    return local.astimezone(UTC).replace(tzinfo=None)


def _local_at(cal: Calendar, day: date, minute: int) -> datetime:
    """The local wall-clock time `minute` after midnight on `day`, as an aware datetime (24:00 = next midnight).

    A wall-clock time skipped by a daylight-saving jump (02:30 on the spring change) resolves, like
    zoneinfo does, with the offset before the jump, i.e. to the first real instant after the gap."""
    if minute >= MINUTES_PER_DAY:
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=cal.tz)
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=cal.tz)


def _local_date(cal: Calendar, instant: datetime) -> date:
    return instant.replace(tzinfo=UTC).astimezone(cal.tz).date()


def window(cal: Calendar, day: date) -> tuple[datetime, datetime] | None:
    """The UTC-naive [start, end) working interval of a local date, or None on a day off."""
    if day.isoweekday() not in cal.days:
        return None
    start = _to_utc_naive(_local_at(cal, day, cal.open_minute))
    end = _to_utc_naive(_local_at(cal, day, cal.close_minute))
    return (start, end) if end > start else None  # a window swallowed by a daylight-saving jump


def _windows_from(cal: Calendar, instant: datetime):
    """Working intervals that end after `instant`, in order, clipped to start no earlier than it. Endless."""
    day = _local_date(cal, instant) - timedelta(days=1)  # the previous day's window may still be open (24:00)
    while True:
        span = window(cal, day)
        day += timedelta(days=1)
        if span is None or span[1] <= instant:
            continue
        yield max(span[0], instant), span[1]


def is_open(cal: Calendar, instant: datetime) -> bool:
    start, _end = next(_windows_from(cal, instant))
    return start == instant


def next_opening(cal: Calendar, instant: datetime) -> datetime:
    """`instant` itself while the department works, otherwise the moment it next opens."""
    start, _end = next(_windows_from(cal, instant))
    return start


def add_working_time(cal: Calendar, instant: datetime, amount: timedelta) -> datetime:
    """The instant at which `amount` of working time has passed since `instant`.

    Adding zero gives the next opening (the clock only runs while the department works)."""
    if amount < timedelta(0):
        raise ValueError("cannot add negative working time")
    remaining = amount
    for start, end in _windows_from(cal, instant):
        if end - start >= remaining:
            return start + remaining
        remaining -= end - start
    raise AssertionError("unreachable: the windows never end")


def add_working_hours(cal: Calendar, instant: datetime, hours: float) -> datetime:
    return add_working_time(cal, instant, timedelta(hours=hours))


def working_time_between(cal: Calendar, start: datetime, end: datetime) -> timedelta:
    """Working time in [start, end); negative when end is before start."""
    if end < start:
        return -working_time_between(cal, end, start)
    total = timedelta(0)
    for window_start, window_end in _windows_from(cal, start):
        if window_start >= end:
            break
        total += min(window_end, end) - window_start
    return total
