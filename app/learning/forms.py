from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app.common.forms import FlaskForm
from app.learning.text import MAX_CHARS


class PhrasingForm(FlaskForm):
    text = StringField(_l("Another way to ask this question"), validators=[DataRequired(), Length(max=MAX_CHARS)])
