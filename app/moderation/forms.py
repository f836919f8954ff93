import re

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.common.forms import FlaskForm
from app.community import kinds

# "123", "#123", "/t/123-some-slug", "https://support.example/t/123-some-slug?x=1"
_TOPIC_REF = re.compile(r"^\s*(?:#?(\d{1,10})|(?:https?://[^/\s]+)?/t/(\d{1,10})(?:[-/?#]\S*)?)\s*$")


def parse_topic_reference(text: str | None) -> int | None:
    match = _TOPIC_REF.match(text or "")
    return int(match.group(1) or match.group(2)) if match else None


class ActionForm(FlaskForm):
    """A button that only carries the CSRF token (close, reopen)."""


class MoveForm(FlaskForm):
    category_id = SelectField(_l("Category"), coerce=int, validators=[DataRequired()])
    type = SelectField(_l("Type"), choices=[SelectChoice(t, kinds.TYPE_LABELS[t]) for t in kinds.TOPIC_TYPES])
    submit = SubmitField(_l("Move"))

    def set_categories(self, categories) -> None:
        self.category_id.choices = [SelectChoice(c.id, f"{c.name} ({c.department.name})") for c in categories]


class MergeForm(FlaskForm):
    target = StringField(_l("Merge into topic (number or link)"), validators=[DataRequired(), Length(max=500)])
    confirmed = HiddenField()
    submit = SubmitField(_l("Merge"))

    def validate_target(self, field) -> None:
        self.target_id = parse_topic_reference(field.data)
        if self.target_id is None:
            raise ValidationError(_l("Enter the topic's number or paste its link."))


class BlockForm(FlaskForm):
    """Block a person from posting: a reason they will see, an optional last day."""

    reason = StringField(_l("Reason (the person sees it)"), validators=[DataRequired(), Length(max=500)])
    until = DateField(_l("Blocked until (empty: until unblocked)"), validators=[Optional()])
    submit = SubmitField(_l("Block from posting"))
