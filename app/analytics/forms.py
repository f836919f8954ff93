"""Satisfaction forms (Flask-WTF: CSRF on every answer)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

CSAT_SCORES = [SelectChoice(str(n), str(n)) for n in range(1, 6)]
NPS_SCORES = [SelectChoice(str(n), str(n)) for n in range(0, 11)]


class CsatForm(FlaskForm):
    solved = RadioField(_l("Did this solve your problem?"), choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
                        validators=[DataRequired(_l("Tell us whether this solved your problem."))])
    score = RadioField(_l("How would you rate the answer? (1 — very poor, 5 — excellent)"), choices=CSAT_SCORES,
                       validators=[DataRequired(_l("Choose a rating from 1 to 5."))])
    comment = TextAreaField(_l("Anything to add? (optional)"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Send"))


class NpsForm(FlaskForm):
    score = RadioField(_l("How likely are you to recommend us to a friend or colleague? (0 — not at all, "
                          "10 — extremely likely)"), choices=NPS_SCORES, validators=[Optional()])
    comment = TextAreaField(_l("What is the main reason for your score? (optional)"),
                            validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Send"))
    dismiss = SubmitField(_l("Not now"))
