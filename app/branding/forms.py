from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.fields import ColorField
from wtforms.validators import DataRequired, Length, Optional

from app.branding.brand import LANGUAGES
from app.common.forms import FlaskForm

LANGUAGE_NAMES = {"ru": "Русский", "uk": "Українська", "en": "English"}
TEXT_FIELDS = (
    "privacy_url",
    "terms_url",
    "contacts_url",
    "support_phone",
    "email_sender_name",
    "widget_origins",
    "primary_color",
    "accent_color",
)
MENU_HINT = _l("One item per line, in order: Label | https://www.bank.example/page")


class BrandingForm(FlaskForm):
    primary_color = ColorField(_l("Primary colour"), validators=[DataRequired(), Length(max=7)])
    accent_color = ColorField(_l("Accent colour"), validators=[DataRequired(), Length(max=7)])
    logo = FileField(_l("Logo (PNG, JPEG or WebP)"))
    remove_logo = BooleanField(_l("Remove the logo"))
    icon = FileField(_l("Icon: a square PNG, JPEG or WebP image, at least 48×48 (180×180 or larger is best)"))
    remove_icon = BooleanField(_l("Use the default icon"))
    privacy_url = StringField(_l("Privacy policy"), validators=[Optional(), Length(max=500)])
    terms_url = StringField(_l("Terms of use"), validators=[Optional(), Length(max=500)])
    contacts_url = StringField(_l("Contacts"), validators=[Optional(), Length(max=500)])
    support_phone = StringField(_l("Support phone"), validators=[Optional(), Length(max=30)])
    email_sender_name = StringField(_l("Sender name of e-mails"), validators=[Optional(), Length(max=80)])
    widget_origins = TextAreaField(
        _l('Sites that may show the "Ask us!" widget'), validators=[Optional(), Length(max=4000)]
    )
    preview = SubmitField(_l("Preview"))
    save = SubmitField(_l("Save"))

    def language_fields(self, lang: str):
        return [getattr(self, f"{prefix}_{lang}") for prefix in ("name", "description", "hours", "menu")]

    def values(self) -> dict:
        """Plain values for services.validate_brand."""
        data = {name: (getattr(self, name).data or "").strip() for name in TEXT_FIELDS}
        for lang in LANGUAGES:
            for prefix in ("name", "description", "hours", "menu"):
                data[f"{prefix}_{lang}"] = getattr(self, f"{prefix}_{lang}").data or ""
        return data

    def fill(self, value: dict) -> None:
        """Show the stored brand JSON in the form (GET)."""
        for name in TEXT_FIELDS:
            if name == "widget_origins":
                self.widget_origins.data = "\n".join(value.get("widget_origins") or [])
            elif value.get(name):
                getattr(self, name).data = value[name]
        for lang in LANGUAGES:
            getattr(self, f"name_{lang}").data = (value.get("name") or {}).get(lang, "")
            getattr(self, f"description_{lang}").data = (value.get("description") or {}).get(lang, "")
            getattr(self, f"hours_{lang}").data = (value.get("support_hours") or {}).get(lang, "")
            items = (value.get("site_menu") or {}).get(lang, [])
            getattr(self, f"menu_{lang}").data = "\n".join(f"{i['label']} | {i['url']}" for i in items)


for _lang in LANGUAGES:
    setattr(BrandingForm, f"name_{_lang}", StringField(_l("Community name"), validators=[Optional(), Length(max=80)]))
    setattr(
        BrandingForm,
        f"description_{_lang}",
        TextAreaField(_l("Short description"), validators=[Optional(), Length(max=300)]),
    )
    setattr(
        BrandingForm,
        f"hours_{_lang}",
        StringField(_l("Support working hours"), validators=[Optional(), Length(max=200)]),
    )
    setattr(
        BrandingForm,
        f"menu_{_lang}",
        TextAreaField(_l("The company's site menu"), validators=[Optional(), Length(max=4000)]),
    )
