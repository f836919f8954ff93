from flask_babel import lazy_gettext as _l
from wtforms import SubmitField

from app.common.forms import FlaskForm


class LinkForm(FlaskForm):
    submit = SubmitField(_l("Link"))


class UnlinkForm(FlaskForm):
    submit = SubmitField(_l("Unlink"))


class ConfirmLinkForm(FlaskForm):
    submit = SubmitField(_l("Link it to my account"))
