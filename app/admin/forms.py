from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from app.common.forms import FlaskForm
from app.common.policy import ROLES

ROLE_LABELS = {
    "customer": _l("Customer"),
    "representative": _l("Representative"),
    "moderator": _l("Moderator"),
    "admin": _l("Administrator"),
    "marketing": _l("Marketing"),
}


class DepartmentForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Length(max=2000)])
    submit = SubmitField(_l("Save"))


class CategoryForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Length(max=2000)])
    department_id = SelectField(_l("Department"), coerce=int, validators=[DataRequired()])
    position = IntegerField(_l("Position"), default=0, validators=[Optional(), NumberRange(min=0, max=10000)])
    submit = SubmitField(_l("Save"))


class UserRoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[SelectChoice(r, ROLE_LABELS[r]) for r in ROLES])
    department_ids = SelectMultipleField(_l("Departments"), coerce=int)
    submit = SubmitField(_l("Save"))


class SynonymGroupForm(FlaskForm):
    phrases = StringField(
        _l("Phrases that mean the same"),
        validators=[DataRequired(_l('Write at least two phrases separated by "=".')), Length(max=600)],
    )
    submit = SubmitField(_l("Add group"))


class RemoveSynonymGroupForm(FlaskForm):
    group = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9a-f]{10}$")])
