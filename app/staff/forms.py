"""Field shapes of the staff forms (CSRF through Flask-WTF). They validate, never save."""

import re
from functools import lru_cache
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.common.forms import FlaskForm
from app.staff.services import HAND_OFF_NOTE_MAX, MAX_TARGET_HOURS, NOTE_MAX

DAY_LABELS = {
    1: _l("Monday"),
    2: _l("Tuesday"),
    3: _l("Wednesday"),
    4: _l("Thursday"),
    5: _l("Friday"),
    6: _l("Saturday"),
    7: _l("Sunday"),
}
_CLOCK = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*$")


@lru_cache(maxsize=1)
def time_zone_names() -> tuple[str, ...]:
    return tuple(sorted(name for name in available_timezones() if "/" in name or name == "UTC"))


def parse_clock(text: str | None) -> int | None:
    """ "9:00" -> 540; "24:00" -> 1440; anything else -> None."""
    match = _CLOCK.match(text or "")
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if minute > 59 or hour > 24 or (hour == 24 and minute):
        return None
    return hour * 60 + minute


def _clock(form, field):
    if parse_clock(field.data) is None:
        raise ValidationError(_l("Enter a time like 9:00 or 18:30."))


class AssignForm(FlaskForm):
    assignee_id = SelectField(_l("Assignee"), coerce=int, validate_choice=True)
    note = TextAreaField(_l("Note for staff (optional)"), validators=[Length(max=HAND_OFF_NOTE_MAX)])

    def set_representatives(self, users) -> None:
        self.assignee_id.choices = [SelectChoice(0, _l("Nobody"))] + [SelectChoice(u.id, u.display_name) for u in users]


class HandOffForm(FlaskForm):
    department_id = SelectField(_l("Hand over to"), coerce=int, validate_choice=True)
    note = TextAreaField(
        _l("Why (staff will see this note)"), validators=[DataRequired(), Length(max=HAND_OFF_NOTE_MAX)]
    )

    def set_departments(self, departments, current_id: int) -> None:
        self.department_id.choices = [SelectChoice(d.id, d.name) for d in departments if d.id != current_id]


class NoteForm(FlaskForm):
    body = TextAreaField(
        _l("Internal note (customers never see it)"), validators=[DataRequired(), Length(max=NOTE_MAX)]
    )


class WaitingForm(FlaskForm):
    waiting = HiddenField(default="1")


class DepartmentSettingsForm(FlaskForm):
    time_zone = SelectField(_l("Time zone"), validate_choice=True)
    working_days = SelectMultipleField(
        _l("Working days"),
        coerce=int,
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        choices=[SelectChoice(n, label) for n, label in DAY_LABELS.items()],
    )
    open_time = StringField(_l("Opens at"), validators=[InputRequired(), _clock])
    close_time = StringField(_l("Closes at"), validators=[InputRequired(), _clock])
    first_response_hours = IntegerField(
        _l("First official answer within (working hours)"),
        validators=[InputRequired(), NumberRange(min=1, max=MAX_TARGET_HOURS)],
    )
    resolution_hours = IntegerField(
        _l("Solution within (working hours; empty: no target)"),
        validators=[Optional(), NumberRange(min=1, max=MAX_TARGET_HOURS)],
    )
    lead_ids = SelectMultipleField(
        _l("Leads"), coerce=int, option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False)
    )

    def set_choices(self, members) -> None:
        self.time_zone.choices = [SelectChoice(name, name) for name in time_zone_names()]
        self.lead_ids.choices = [SelectChoice(u.id, u.display_name) for u in members]

    def validate_working_days(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one working day."))

    def validate_close_time(self, field):
        start, end = parse_clock(self.open_time.data), parse_clock(field.data)
        if start is not None and end is not None and end <= start:
            raise ValidationError(_l("The working day must start before it ends."))
