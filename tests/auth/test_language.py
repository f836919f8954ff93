"""The language choice sticks: a cookie for visitors (switcher or ?lang=), the profile for signed-in users."""

import pytest

from app.auth.models import User
from app.extensions import db
from tests.helpers import page


def _lang(response) -> str:
    return page(response).find("html").get("lang")


def test_lang_on_the_url_sticks_for_a_visitor(client, community):
    assert _lang(client.get("/?lang=uk")) == "uk"
    assert _lang(client.get("/kb/")) == "uk"
    assert _lang(client.get("/", headers={"Accept-Language": "ru"})) == "uk"


def test_the_switcher_sets_the_language_and_returns_to_the_page(client, community):
    response = client.post("/language", {"lang": "ru", "next": "/kb/?page=1&lang=uk"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/kb/?page=1"
    assert _lang(client.get("/")) == "ru"
    switcher = page(client.get("/")).find("form", class_="langs")
    current = [b for b in switcher.find_all("button") if b.get("aria-current") == "true"]
    assert [b.get("value") for b in current] == ["ru"]


def test_a_signed_in_users_choice_is_saved_in_the_profile(client, auth, customer, client_as, community):
    auth.login()
    assert client.post("/language", {"lang": "uk", "next": "/"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(User, customer.id).locale == "uk"
    elsewhere = client_as(customer)  # another browser: no cookie, the profile decides
    assert _lang(elsewhere.get("/", headers={"Accept-Language": "en"})) == "uk"


@pytest.mark.parametrize("path", ["/", "/kb/", "/login", "/no-such-page"])
def test_every_page_has_the_switcher(client, community, path):
    switcher = page(client.get(path)).find("form", class_="langs")
    assert switcher is not None and switcher.get("action") == "/language"
    assert {b.get("value") for b in switcher.find_all("button")} == {"en", "ru", "uk"}


def test_an_unknown_language_is_a_clear_400(client, community):
    response = client.post("/language", {"lang": "xx", "next": "/"})
    assert response.status_code == 400
    assert "Unknown language." in response.get_data(as_text=True)


def test_the_switcher_never_redirects_elsewhere(client, community):
    response = client.post("/language", {"lang": "en", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
