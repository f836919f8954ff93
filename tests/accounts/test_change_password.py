"""Issue 11: a signed-in person changes their password in the settings; every other sign-in and remember token
of the account ends at once, this browser stays signed in; the current password is checked."""

from sqlalchemy import func, select

from app.auth.models import User, UserSession
from app.auth.passwords import verify_password
from app.extensions import db
from tests.conftest import CsrfClient
from tests.factories import PASSWORD
from tests.helpers import flashes, form_errors, page

NEW_PASSWORD = "amber-otter-lighthouse-7"


def _signed_in(client) -> bool:
    return client.get("/settings").status_code == 200


def test_the_settings_link_to_the_form(client_as, customer):
    settings = page(client_as(customer).get("/settings"))
    assert settings.find("a", href="/settings/password") is not None


def test_changing_the_password_ends_every_other_sign_in(app, client_as, customer):
    here, phone, laptop = client_as(customer), client_as(customer), client_as(customer)
    thief = CsrfClient(app.test_client())
    thief.set_cookie("remember_token", phone.get_cookie("remember_token").value)  # a copied remember cookie
    assert _signed_in(thief)

    response = here.post(
        "/settings/password",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    shown = flashes(here.get(response.headers["Location"]))
    assert shown[-1] == "Your password is changed. 2 other sign-ins were ended."
    assert _signed_in(here)
    assert not any(_signed_in(c) for c in (phone, laptop, thief))
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 1
    db.session.refresh(customer)
    assert verify_password(customer.password_hash, NEW_PASSWORD)
    assert client_as().post("/login", {"email": customer.email, "password": PASSWORD}).status_code == 422


def test_a_wrong_current_password_or_a_weak_new_one_changes_nothing(client_as, customer):
    here, other = client_as(customer), client_as(customer)
    before = customer.password_hash
    wrong = here.post(
        "/settings/password", {"current_password": "not-it-at-all", "password": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert wrong.status_code == 422 and "The current password is wrong." in form_errors(wrong)
    weak = here.post("/settings/password", {"current_password": PASSWORD, "password": "short", "password2": "short"})
    assert weak.status_code == 422 and "Use at least 10 characters." in form_errors(weak)
    db.session.expire_all()
    assert db.session.get(User, customer.id).password_hash == before
    assert _signed_in(other)


def test_changing_the_password_needs_a_sign_in_and_the_csrf_token(client, client_as, customer):
    assert client.get("/settings/password").status_code == 302
    here = client_as(customer)
    data = {"current_password": PASSWORD, "password": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert here.post_raw("/settings/password", data=data).status_code == 400
    db.session.expire_all()
    assert not verify_password(db.session.get(User, customer.id).password_hash, NEW_PASSWORD)
