from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SubmitField

from app.common.forms import FlaskForm


class FollowForm(FlaskForm):
    submit = SubmitField()


class SettingsForm(FlaskForm):
    email_enabled = BooleanField(_l("Send me e-mail"))
    topic_activity = BooleanField(_l("Answers and status changes in topics I follow"))
    new_topics = BooleanField(_l("New topics for my departments"))
    digest = BooleanField(_l("Daily digest of overdue topics (department leads)"))
    submit = SubmitField(_l("Save"))
