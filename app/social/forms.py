from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import URL, DataRequired, Length, Optional

from app.common.forms import FlaskForm
from app.community import kinds
from app.social.services import IMPORT_TYPES, TEXT_MAX


class ImportForm(FlaskForm):
    url = StringField(_l("Link to the post"), validators=[DataRequired(), Length(max=500), URL(require_tld=True)])
    handle = StringField(_l("Author's handle (taken from the link for X)"), validators=[Optional(), Length(max=100)])
    name = StringField(_l("Author's name"), validators=[Optional(), Length(max=120)])
    text = TextAreaField(_l("Text of the post"), validators=[DataRequired(), Length(max=TEXT_MAX)])
    posted_at = DateTimeLocalField(_l("Posted at (UTC)"), validators=[Optional()])
    category_id = SelectField(_l("Category"), coerce=int, validators=[DataRequired()])
    topic_type = SelectField(_l("Type"), choices=[SelectChoice(t, kinds.TYPE_LABELS[t]) for t in IMPORT_TYPES])
    mood = SelectField(
        _l("Mood"),
        default="",
        choices=[
            SelectChoice("", _l("By type: upset for a problem, indifferent for a question")),
            *(SelectChoice(m, kinds.MOOD_LABELS[m]) for m in kinds.MOODS),
        ],
    )
    submit = SubmitField(_l("Import"))

    def set_categories(self, categories) -> None:
        self.category_id.choices = [SelectChoice(0, _l("Choose a category"))] + [
            SelectChoice(c.id, f"{c.name} ({c.department.name})") for c in categories
        ]
