"""Satisfaction forms (Flask-WTF: CSRF on every answer)."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DecimalField,
    IntegerField,
    RadioField,
    SelectChoice,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from app.common.forms import FlaskForm

CSAT_SCORES = [SelectChoice(str(n), str(n)) for n in range(1, 6)]
NPS_SCORES = [SelectChoice(str(n), str(n)) for n in range(11)]


class CsatForm(FlaskForm):
    solved = RadioField(
        _l("Did this solve your problem?"),
        choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
        validators=[DataRequired(_l("Tell us whether this solved your problem."))],
    )
    score = RadioField(
        _l("How would you rate the answer? (1 — very poor, 5 — excellent)"),
        choices=CSAT_SCORES,
        validators=[DataRequired(_l("Choose a rating from 1 to 5."))],
    )
    comment = TextAreaField(_l("Anything to add? (optional)"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Send"))


class NpsForm(FlaskForm):
    score = RadioField(
        _l("How likely are you to recommend us to a friend or colleague? (0 — not at all, 10 — extremely likely)"),
        choices=NPS_SCORES,
        validators=[Optional()],
    )
    comment = TextAreaField(
        _l("What is the main reason for your score? (optional)"), validators=[Optional(), Length(max=2000)]
    )
    submit = SubmitField(_l("Send"))
    dismiss = SubmitField(_l("Not now"))


class CallCentreMonthForm(FlaskForm):
    month = StringField(
        _l("Month (YYYY-MM)"),
        validators=[
            DataRequired(_l("Enter a month like 2026-09.")),
            Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", message=_l("Enter a month like 2026-09.")),
        ],
    )
    requests = IntegerField(
        _l("Requests handled by the call centre"),
        validators=[
            InputRequired(_l("Enter a whole number of requests.")),
            NumberRange(min=0, max=100_000_000, message=_l("Enter a whole number of requests.")),
        ],
    )
    submit = SubmitField(_l("Save"))


class CallCentreUploadForm(FlaskForm):
    file = FileField(
        _l("CSV file: one line per month, like 2026-09,5120"), validators=[FileRequired(_l("Choose a CSV file."))]
    )
    upload = SubmitField(_l("Upload"))


class MoodAlertForm(FlaskForm):
    """The mood-alert threshold (administrators); the service checks the same ranges."""

    points = DecimalField(
        _l("Alert when the upset share rises by at least (percentage points)"),
        places=1,
        validators=[
            InputRequired(_l("Enter a rise between 1 and 100 percentage points.")),
            NumberRange(1, 100, _l("Enter a rise between 1 and 100 percentage points.")),
        ],
    )
    min_topics = IntegerField(
        _l("… with at least this many upset topics in the last 7 days"),
        validators=[
            InputRequired(_l("Enter a whole number of topics.")),
            NumberRange(1, 10_000, _l("Enter between 1 and 10,000 upset topics.")),
        ],
    )
    submit = SubmitField(_l("Save"))
