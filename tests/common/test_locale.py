"""The interface language: the user's setting, then the browser's Accept-Language, then the default."""

import pytest

from app.extensions import db
from tests.helpers import page

RUSSIAN_LOG_IN = "Войти"  # msgstr of "Log in" in app/translations/ru


def _language(response) -> str:
    return page(response).find("html").get("lang")


def _login_button(response) -> str:
    return page(response).find("main").find("button", type="submit").text


@pytest.mark.parametrize(
    "header, lang, button",
    [
        ("ru-RU,ru;q=0.9,en;q=0.8", "ru", RUSSIAN_LOG_IN),
        ("en-US,en;q=0.9", "en", "Log in"),
        ("de-DE,de;q=0.9,ru;q=0.5", "ru", RUSSIAN_LOG_IN),
    ],
)
def test_accept_language_chooses_the_interface_language(client, header, lang, button):
    response = client.get("/login", headers={"Accept-Language": header})

    assert _language(response) == lang
    assert _login_button(response) == button, "is app/translations/ru compiled? (make translations)"


def test_without_a_preference_the_configured_default_is_used(client, app):
    assert _language(client.get("/login")) == app.config["BABEL_DEFAULT_LOCALE"]


def test_the_user_setting_overrides_accept_language(client, auth, customer):
    auth.login()
    russian_browser = {"Accept-Language": "ru-RU,ru;q=0.9"}
    assert _language(client.get("/", headers=russian_browser)) == "ru"

    client.post("/settings", {"display_name": customer.display_name, "locale": "en"}, headers=russian_browser)
    assert _language(client.get("/", headers=russian_browser)) == "en"

    customer.locale = "uk"
    db.session.commit()
    assert _language(client.get("/", headers={"Accept-Language": "en"})) == "uk"
