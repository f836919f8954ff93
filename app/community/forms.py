from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length

from app.common.forms import FlaskForm
from app.community import kinds
from app.community.services import BODY_MAX, COMMENT_MAX, TITLE_MAX


class TopicForm(FlaskForm):
    type = RadioField(
        _l("What is it?"),
        choices=[SelectChoice(t, kinds.TYPE_LABELS[t]) for t in kinds.TOPIC_TYPES],
        default=kinds.QUESTION,
        validate_choice=False,
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(min=5, max=TITLE_MAX)])
    body = TextAreaField(_l("Details"), validators=[Length(max=BODY_MAX)])
    category_id = SelectField(_l("Category"), coerce=int, validators=[DataRequired()])
    mood = RadioField(
        _l("How do you feel about it?"),
        choices=[SelectChoice(m, kinds.MOOD_LABELS[m]) for m in kinds.MOODS],
        validate_choice=False,
    )
    is_private = BooleanField(_l("Private: only you and our staff can see it"))
    # Set by the ask form's script (or the "post anyway" button) once similar topics were offered.
    confirmed = HiddenField()
    draft_id = HiddenField()
    submit = SubmitField(_l("Post"))

    def set_categories(self, categories) -> None:
        self.category_id.choices = [SelectChoice(0, _l("Choose a category"))] + [
            SelectChoice(c.id, c.name) for c in categories
        ]


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Your answer"), validators=[DataRequired(), Length(max=COMMENT_MAX)])
    submit = SubmitField(_l("Send"))


class StatusForm(FlaskForm):
    status = SelectField(_l("Status"), validate_choice=False)
    submit = SubmitField(_l("Change status"))


class SolutionForm(FlaskForm):
    comment_id = HiddenField()


class ActionForm(FlaskForm):
    """A button that only carries the CSRF token (vote, log out ...)."""


class EditTopicForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(min=5, max=TITLE_MAX)])
    body = TextAreaField(_l("Details"), validators=[Length(max=BODY_MAX)])
    submit = SubmitField(_l("Save"))
