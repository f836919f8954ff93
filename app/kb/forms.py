from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.common.forms import FlaskForm
from app.kb.services import BODY_MAX, COMMENT_MAX, FEEDBACK_MAX, TITLE_MAX, TITLE_MIN


class ArticleForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(min=TITLE_MIN, max=TITLE_MAX)])
    body = TextAreaField(_l("Article"), validators=[Length(max=BODY_MAX)])
    category_id = SelectField(_l("Category"), coerce=int, validators=[DataRequired()])
    department_id = SelectField(_l("Department responsible"), coerce=int)
    source_topic_id = HiddenField()
    # The revision the editor started from (refuses to overwrite a newer one saved meanwhile).
    base_revision = IntegerField(validators=[Optional()])

    def set_choices(self, categories, departments) -> None:
        self.category_id.choices = [SelectChoice(0, _l("Choose a category"))] + [
            SelectChoice(c.id, c.name) for c in categories
        ]
        self.department_id.choices = [SelectChoice(0, _l("The category's department"))] + [
            SelectChoice(d.id, d.name) for d in departments
        ]


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Your comment"), validators=[DataRequired(), Length(max=COMMENT_MAX)])


class FeedbackForm(FlaskForm):
    helpful = RadioField(
        _l("Was this helpful?"),
        choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
        validators=[DataRequired()],
    )
    comment = TextAreaField(_l("What was missing?"), validators=[Length(max=FEEDBACK_MAX)])


class MoveForm(FlaskForm):
    direction = HiddenField()


class ActionForm(FlaskForm):
    """A button that only carries the CSRF token (publish, restore, hide ...)."""
