from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length

from app.community import kinds
from app.community.services import BODY_MAX, TITLE_MAX


class FrameAskForm(FlaskForm):
    """The ask form inside the VK / Facebook frame: no CSRF cookie there, the frame token plays that part."""

    class Meta:
        csrf = False

    type = RadioField(_l("What is it?"), choices=[SelectChoice(t, kinds.TYPE_LABELS[t]) for t in kinds.TOPIC_TYPES],
                      default=kinds.QUESTION, validate_choice=False)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(min=5, max=TITLE_MAX)])
    body = TextAreaField(_l("Details"), validators=[Length(max=BODY_MAX)])
    category_id = SelectField(_l("Category"), coerce=int, validators=[DataRequired()])
    mood = RadioField(_l("How do you feel about it?"),
                      choices=[SelectChoice(m, kinds.MOOD_LABELS[m]) for m in kinds.MOODS], validate_choice=False)
    submit = SubmitField(_l("Post"))

    def set_categories(self, categories) -> None:
        self.category_id.choices = [SelectChoice(0, _l("Choose a category"))] + [
            SelectChoice(c.id, c.name) for c in categories
        ]
