"""WTForms' own messages ("This field is required.") in the visitor's language, from a catalog read once per
process and language (Flask-WTF re-read it from disk on every request that built a form)."""

import html
import importlib
import pkgutil

import pytest
from babel import support

import app as app_package
from app.common import forms


@pytest.fixture
def catalog_loads(monkeypatch):
    """The languages whose WTForms catalog is read from disk, in order (none cached before the test)."""
    loads = []
    real = support.Translations.load

    def load(dirname=None, locales=None, domain=None):
        loads.append([str(locale) for locale in locales])
        return real(dirname, locales, domain)

    forms.catalog.cache_clear()
    monkeypatch.setattr(support.Translations, "load", load)
    yield loads
    forms.catalog.cache_clear()


@pytest.mark.parametrize(
    "language, message",
    [("ru", "Обязательное поле."), ("uk", "Це поле є обов'язковим."), ("en", "This field is required.")],
)
def test_a_required_field_is_reported_in_the_visitors_language(client, language, message):
    response = client.post("/login", {"email": "", "password": ""}, headers={"Accept-Language": language})

    assert response.status_code == 422
    assert message in html.unescape(response.get_data(as_text=True))


def test_the_catalog_is_read_once_per_language(client, catalog_loads):
    for language in ("ru", "ru", "uk", "ru", "uk"):
        response = client.post("/login", {"email": "", "password": ""}, headers={"Accept-Language": language})
        assert response.status_code == 422

    assert catalog_loads == [["ru"], ["uk"]]


def test_every_form_of_the_application_uses_the_base_form():
    from flask_wtf import FlaskForm as FlaskWtfForm

    for module in pkgutil.walk_packages(app_package.__path__, "app."):
        if module.name.endswith(("forms", "routes")):
            importlib.import_module(module.name)
    classes, seen = [FlaskWtfForm], []
    while classes:
        for subclass in classes.pop().__subclasses__():
            seen.append(subclass)
            classes.append(subclass)
    outside = [c for c in seen if c.__module__.startswith("app.") and not issubclass(c, forms.FlaskForm)]

    assert len(seen) > 20
    assert outside == []
