from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from app.common.forms import FlaskForm


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    submit = SubmitField(_l("Log in"))


class RegisterForm(FlaskForm):
    display_name = StringField(_l("Your name"), validators=[DataRequired(), Length(min=2, max=80)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    password2 = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )
    submit = SubmitField(_l("Create account"))


class SettingsForm(FlaskForm):
    display_name = StringField(_l("Your name"), validators=[DataRequired(), Length(min=2, max=80)])
    locale = SelectField(
        _l("Language"),
        choices=[
            SelectChoice("", _l("Automatic")),
            SelectChoice("en", "English"),
            SelectChoice("ru", "Русский"),
            SelectChoice("uk", "Українська"),
        ],
    )
    timezone = SelectField(_l("Time zone"), default="", description=_l("Times on the site are shown in this zone."))
    submit = SubmitField(_l("Save"))

    def set_time_zones(self, zones, default_zone: str) -> None:
        self.timezone.choices = [SelectChoice("", _l("The community's time zone (%(zone)s)", zone=default_zone))]
        self.timezone.choices += [SelectChoice(name, name.replace("_", " ")) for name in zones]
        if self.timezone.data is None:  # not sent, and the user has none: the community's zone
            self.timezone.data = ""
