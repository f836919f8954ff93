"""Register, log in, log out, settings: what a person sees and what is stored."""

from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.auth.passwords import verify_password
from app.extensions import db
from tests.factories import PASSWORD
from tests.helpers import flashes, form_errors

NEW = {
    "display_name": "Nina New",
    "email": "nina@test.example",
    "password": "violet-lantern-42",
    "password2": "violet-lantern-42",
}


def _user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def _assert_stays_on_site(location: str) -> None:
    """A browser reading this Location header stays on our site (it treats \\ as / and drops tabs)."""
    assert location.startswith("/") and location[1:2] not in ("/", "\\"), location
    assert not any(ord(ch) <= 0x20 or ch == "\\" for ch in location), location
    assert not urlsplit(location).netloc


def _is_logged_in(client) -> bool:
    return client.get("/settings").status_code == 200


def test_register_creates_a_customer_who_finishes_by_the_e_mailed_link(client):
    response = client.post("/register", NEW)

    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "nina@test.example"))
    assert user.role == "customer" and user.display_name == "Nina New"
    assert user.password_hash != NEW["password"] and verify_password(user.password_hash, NEW["password"])
    shown = client.get(response.headers["Location"])
    assert flashes(shown) == [
        "Check your e-mail: we sent a message to nina@test.example. Follow the link in it to finish."
    ]
    assert not _is_logged_in(client)  # the same answer as for a taken address (tests/accounts/test_registration.py)


def test_register_with_a_taken_email_does_not_say_so(client, customer):
    """Issue 11: no account enumeration. The owner is e-mailed instead (tests/accounts/test_registration.py)."""
    response = client.post("/register", {**NEW, "email": "Customer@Test.EXAMPLE"})

    assert response.status_code == 302
    assert "already exists" not in response.get_data(as_text=True)
    assert _user_count() == 1
    assert not _is_logged_in(client)


@pytest.mark.parametrize(
    "password, message",
    [
        ("short-1", "Use at least 10 characters."),
        ("password12", "This password is too easy to guess."),
        ("abababababab", "This password is too easy to guess."),
        ("my-nina-password", "The password must not contain your e-mail address."),
    ],
)
def test_register_with_a_weak_password_shows_why(client, password, message):
    response = client.post("/register", {**NEW, "password": password, "password2": password})

    assert response.status_code == 422
    assert message in form_errors(response)
    assert _user_count() == 0


def test_register_with_different_passwords_shows_a_form_error(client):
    response = client.post("/register", {**NEW, "password2": "another-password-77"})

    assert response.status_code == 422
    assert "The passwords do not match." in form_errors(response)
    assert _user_count() == 0


def test_login_with_the_right_password(client, customer):
    response = client.post("/login", {"email": "CUSTOMER@test.example", "password": PASSWORD})

    assert response.status_code == 302
    assert _is_logged_in(client)


@pytest.mark.parametrize(
    "email, password",
    [
        ("customer@test.example", "wrong-horse-battery"),
        ("nobody@test.example", PASSWORD),
    ],
)
def test_login_with_a_wrong_email_or_password_is_refused(client, customer, email, password):
    response = client.post("/login", {"email": email, "password": password})

    assert response.status_code == 422
    assert "Wrong e-mail or password." in form_errors(response)
    assert not _is_logged_in(client)


def test_a_blocked_user_cannot_log_in(client, customer):
    customer.is_blocked = True
    db.session.commit()

    response = client.post("/login", {"email": customer.email, "password": PASSWORD})

    assert response.status_code == 422
    assert not _is_logged_in(client)


def test_logout_needs_a_post_with_the_csrf_token(client, auth, customer):
    auth.login()

    assert client.get("/logout").status_code == 200  # a confirmation page, nothing else
    assert _is_logged_in(client)
    assert client.post_raw("/logout").status_code == 400
    assert _is_logged_in(client)

    response = client.post("/logout")
    assert response.status_code == 302
    assert not _is_logged_in(client)


@pytest.mark.parametrize("target", ["/t/12-where-is-my-card", "/settings?tab=1"])
def test_login_follows_a_local_next(client, customer, target):
    response = client.post(f"/login?next={target}", {"email": customer.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"] == target


EVIL_TARGETS = [
    "https://evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/\t/evil.example/",
    "/\n/evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    "evil.example",
]


@pytest.mark.parametrize("target", EVIL_TARGETS)
def test_login_never_redirects_off_site(client, customer, target):
    response = client.post("/login", {"email": customer.email, "password": PASSWORD, "next": target})

    assert response.status_code == 302
    _assert_stays_on_site(response.headers["Location"])


@pytest.mark.parametrize("target", EVIL_TARGETS[:6])
def test_register_never_redirects_off_site(client, target):
    response = client.post("/register", {**NEW, "next": target})

    assert response.status_code == 302
    _assert_stays_on_site(response.headers["Location"])


def test_settings_change_name_and_language(client, auth, customer):
    auth.login()

    response = client.post("/settings", {"display_name": "Carol C.", "locale": "uk"})

    assert response.status_code == 302
    db.session.refresh(customer)
    assert (customer.display_name, customer.locale) == ("Carol C.", "uk")


def test_settings_need_login(client):
    response = client.get("/settings")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
