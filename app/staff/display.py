"""How the staff workflow is shown: working hours, due times in the department's zone, time left or
overdue, and what the ask form promises. Template helpers, registered by the staff blueprint."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from babel.dates import format_datetime as babel_format_datetime
from babel.dates import format_skeleton, get_day_names, get_timezone_location
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from app.common.db import utcnow
from app.staff import hours, sla


def _locale():
    return get_locale() or "en"


def clock(minute: int) -> str:
    return f"{minute // 60}:{minute % 60:02d}"


def _aware(cal: hours.Calendar, instant: datetime) -> datetime:
    return instant.replace(tzinfo=UTC).astimezone(cal.tz)


def days_text(days) -> str:
    """ISO weekdays as short ranges in the user's language: "Mon–Fri", "Mon–Fri, Sun"."""
    names = get_day_names("abbreviated", locale=_locale())  # 0 = Monday
    numbers = sorted(days)
    if len(numbers) == 7:
        return _("every day")
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    parts = []
    for run in runs:
        first, last = names[run[0] - 1], names[run[-1] - 1]
        parts.append(first if len(run) == 1 else f"{first}–{last}" if len(run) > 2 else f"{first}, {last}")
    return ", ".join(parts)


def zone_label(cal: hours.Calendar, at: datetime | None = None) -> str:
    local = _aware(cal, at or utcnow())
    offset = local.utcoffset() or timedelta(0)
    if str(cal.tz.key) in ("UTC", "Etc/UTC"):
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    minutes = abs(minutes)
    text = f"{sign}{minutes // 60}" + (f":{minutes % 60:02d}" if minutes % 60 else "")
    city = get_timezone_location(cal.tz, locale=_locale(), return_city=True)
    return _("%(city)s time, UTC%(offset)s", city=city, offset=text)


def hours_text(department) -> str:
    """ "9:00–18:00, Mon–Fri (Moscow time, UTC+3)"."""
    cal = sla.calendar_of(department)
    if cal.is_round_the_clock:
        return _("round the clock")
    return _(
        "%(start)s–%(end)s, %(days)s (%(zone)s)",
        start=clock(cal.open_minute),
        end=clock(cal.close_minute),
        days=days_text(cal.days),
        zone=zone_label(cal),
    )


def when(cal: hours.Calendar, instant: datetime, now: datetime | None = None) -> str:
    """An instant in the department's zone, as people say it: "today 15:00", "tomorrow 11:00",
    "Monday 11:00", "12 March 11:00"."""
    locale = _locale()
    local = _aware(cal, instant)
    today = _aware(cal, now or utcnow()).date()
    time_text = babel_format_datetime(local, "HH:mm", locale=locale)
    days = (local.date() - today).days
    if days == 0:
        return _("today %(time)s", time=time_text)
    if days == 1:
        return _("tomorrow %(time)s", time=time_text)
    if 1 < days < 7:
        return babel_format_datetime(local, "EEEE HH:mm", locale=locale)
    return f"{format_skeleton('MMMMd', local, locale=locale)} {time_text}"


def duration(amount: timedelta) -> str:
    """Working time as "2 h 05 min", "45 min", "130 h" (whole hours from two days of working time on)."""
    minutes = max(0, round(amount.total_seconds() / 60))
    h, m = divmod(minutes, 60)
    if h >= 48:
        return _("%(h)d h", h=h)
    if h:
        return _("%(h)d h %(m)02d min", h=h, m=m)
    return ngettext("%(num)d min", "%(num)d min", m)


@dataclass
class Deadline:
    label: str  # what is due
    due_at: datetime  # UTC naive
    due_text: str  # in the department's zone
    left: timedelta  # working time left; negative when overdue
    met_at: datetime | None = None

    @property
    def is_overdue(self) -> bool:
        return self.met_at is None and self.left <= timedelta(0)

    @property
    def left_text(self) -> str:
        return duration(abs(self.left))


def deadlines(work, department, now: datetime | None = None) -> list[Deadline]:
    """The open targets of a topic: first answer until it comes, then the solution (when there is one).
    None while staff wait for the customer (the clock is paused)."""
    if work is None or work.resolved_at is not None:
        return []
    if work.waiting_for_customer:
        return None
    now = now or utcnow()
    cal = sla.calendar_of(department)
    result = []
    targets = []
    if work.first_response_at is None and work.first_response_due_at is not None:
        targets.append((_("First answer"), work.first_response_due_at))
    if work.resolution_due_at is not None:
        targets.append((_("Solution"), work.resolution_due_at))
    for label, due in targets:
        left = hours.working_time_between(cal, now, due)
        if due <= now:  # overdue: count the working time since the due moment (wall time when none has passed)
            left = -(hours.working_time_between(cal, due, now) or (now - due))
        result.append(Deadline(label, due, when(cal, due, now), left))
    return result


def took(work, topic, department) -> dict:
    """Working time from posting to the first official answer and to the solution, as text (recorded ones only)."""
    result = {}
    if work is None:
        return result
    cal = sla.calendar_of(department)
    for key, moment in (("first_response", work.first_response_at), ("resolution", work.resolved_at)):
        if moment is not None and topic.created_at is not None:
            result[key] = duration(hours.working_time_between(cal, topic.created_at, moment))
    return result


def ask_expectation(department, now: datetime | None = None) -> dict:
    """What the ask form tells a customer about `department`: its hours and when to expect an answer."""
    now = now or utcnow()
    cal = sla.calendar_of(department)
    due = sla.first_response_due(department, now)
    open_now = hours.is_open(cal, now)
    result = {"hours": hours_text(department), "open": open_now, "due": when(cal, due, now) if due else ""}
    if due is None:
        result["text"] = _("Our representatives answer %(hours)s.", hours=result["hours"])
    elif open_now or cal.is_round_the_clock:
        result["text"] = _(
            "Our representatives are at work now (%(hours)s); expect an answer by %(due)s.",
            hours=result["hours"],
            due=result["due"],
        )
    else:
        result["text"] = _(
            "Our representatives answer %(hours)s; expect an answer by %(due)s.",
            hours=result["hours"],
            due=result["due"],
        )
    return result
