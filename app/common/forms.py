"""The base of every form: Flask-WTF's FlaskForm with WTForms' own messages ("This field is required.", in the
request's language) read from their catalog once per process and language.

Flask-WTF loads and parses WTForms' .mo catalog from disk again on every request that builds a form
(`flask_wtf.i18n._get_translations`, cached on the request only): about 0.5 ms of CPU per signed-in page,
post and comment (issue 14, bench/README.md "Saturation"). The catalog ships with the installed WTForms and does
not change while the process runs.
"""

from functools import lru_cache

from babel import support
from flask import current_app, has_request_context
from flask_babel import get_locale
from flask_wtf import FlaskForm as _FlaskForm
from wtforms.i18n import messages_path


@lru_cache(maxsize=16)
def catalog(locale: str) -> support.Translations:
    """WTForms' messages in `locale` (the untranslated English ones when WTForms has no such catalog)."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _Translations:
    """What WTForms asks for its messages: gettext/ngettext in the request's locale."""

    @staticmethod
    def _current() -> support.Translations | None:
        if not has_request_context() or "babel" not in current_app.extensions:
            return None
        return catalog(str(get_locale()))

    def gettext(self, string: str) -> str:
        found = self._current()
        return string if found is None else found.ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        found = self._current()
        if found is None:
            return singular if n == 1 else plural
        return found.ungettext(singular, plural, n)


_translations = _Translations()


class FlaskForm(_FlaskForm):
    """Flask-WTF's form (CSRF, request data) with WTForms' messages from a catalog loaded once per language."""

    class Meta:
        def get_translations(self, form):
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return _translations
