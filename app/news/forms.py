from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.common.forms import FlaskForm
from app.news.services import BODY_MAX, TITLE_MAX


class NewsForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(min=3, max=TITLE_MAX)])
    body = TextAreaField(
        _l("Text (Markdown; images as ![description](link))"), validators=[DataRequired(), Length(max=BODY_MAX)]
    )
    is_pinned = BooleanField(_l("Pin on the community home"))
    is_published = BooleanField(_l("Published (uncheck to keep it as a draft)"), default=True)
    submit = SubmitField(_l("Save"))
