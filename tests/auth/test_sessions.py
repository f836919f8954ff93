"""Server-side sign-ins (app/auth/sessions.py): cookies flags, a fresh remember token per login, and copied
cookies that stop working after logout, "sign out everywhere" or an administrator's revocation."""

import re

import pytest
from sqlalchemy import func, select

from app import create_app
from app.auth.models import UserSession
from app.auth.sessions import revoke_sessions
from app.extensions import db
from tests.conftest import CsrfClient, IsolatedFlaskClient, _config_for
from tests.factories import PASSWORD

SESSION, REMEMBER = "session", "remember_token"


def _signed_in(client) -> bool:
    return client.get("/settings").status_code == 200


def _copy(app, source, *names):
    """A new browser holding only copies of `names` cookies of `source` (what a thief would paste)."""
    thief = CsrfClient(app.test_client())
    for name in names:
        thief.set_cookie(name, source.get_cookie(name).value)
    return thief


def _set_cookie_headers(response, name):
    return [h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "=")]


def test_cookies_are_httponly_and_samesite_lax(client, auth, customer):
    response = auth.login()

    for name in (SESSION, REMEMBER):
        [header] = _set_cookie_headers(response, name)
        assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" not in header, header


def test_https_sites_use_secure_host_prefixed_cookies(tmp_path):
    class Config(_config_for(tmp_path)):
        PUBLIC_URL = "https://community.bank.example"

    app = create_app(Config)
    app.test_client_class = IsolatedFlaskClient
    with app.app_context():
        db.create_all()
        from app.auth import services

        services.register_user("https@test.example", PASSWORD, "Secure Sam")
        db.session.commit()
        client, site = app.test_client(), "https://community.bank.example"
        form = client.get("/login", base_url=site).get_data(as_text=True)
        token = re.search(r'name="csrf-token" content="([^"]+)"', form)[1]
        response = client.post(
            "/login",
            data={"email": "https@test.example", "password": PASSWORD, "csrf_token": token},
            base_url=site,
            headers={"Referer": site + "/login"},
        )
        assert response.status_code == 302
        for name in ("__Host-session", "__Host-remember_token"):
            [header] = _set_cookie_headers(response, name)
            assert all(part in header for part in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/")), header
            assert "Domain" not in header
        db.session.remove()
        db.engine.dispose()


def test_every_login_gets_a_fresh_remember_token(app, client, auth, customer):
    auth.login()
    first = client.get_cookie(REMEMBER).value
    auth.logout()
    auth.login()

    assert client.get_cookie(REMEMBER).value != first
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 1  # the first one is gone


def test_a_copied_session_cookie_is_useless_after_logout(app, client, auth, customer):
    auth.login()
    thief = _copy(app, client, SESSION)
    assert _signed_in(thief)

    auth.logout()

    assert not _signed_in(thief)
    assert not _signed_in(client)


def test_a_copied_remember_cookie_is_useless_after_logout(app, client, auth, customer):
    auth.login()
    thief = _copy(app, client, REMEMBER)
    assert _signed_in(thief)  # the remember cookie alone signs a browser in ...

    auth.logout()

    assert not _signed_in(thief)  # ... until the sign-in it belongs to ends


def test_sign_out_everywhere_ends_other_browsers(app, client_as, customer):
    laptop, phone = client_as(customer), client_as(customer)
    assert _signed_in(laptop) and _signed_in(phone)

    response = laptop.post("/settings/sign-out-everywhere")

    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert not _signed_in(phone)
    assert not _signed_in(laptop)
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0


def test_the_settings_page_offers_sign_out_everywhere(client_as, customer):
    text = client_as(customer).get("/settings").get_data(as_text=True)
    assert 'action="/settings/sign-out-everywhere"' in text and "Sign out everywhere" in text


def test_an_admin_signs_a_user_out_everywhere(client_as, customer, community):
    victim_browser = client_as(customer)
    admin = client_as(community["admin"])
    assert f"/admin/users/{customer.id}/sign-out-everywhere" in admin.get(f"/admin/users/{customer.id}").get_data(
        as_text=True
    )

    response = admin.post(f"/admin/users/{customer.id}/sign-out-everywhere")

    assert response.status_code == 302
    assert not _signed_in(victim_browser)
    assert _signed_in(admin)


@pytest.mark.parametrize("who, status", [("customer", 404), ("moderator", 404), (None, 302)])
def test_only_admins_sign_others_out(client_as, customer, community, who, status):
    actor = client_as({"customer": customer, "moderator": community["moderator"], None: None}[who])
    target = community["rep_private"]
    target_browser = client_as(target)

    response = actor.post(f"/admin/users/{target.id}/sign-out-everywhere")

    assert response.status_code == status
    assert _signed_in(target_browser)


def test_revoke_keeps_the_browser_it_is_told_to_keep(app, client_as, customer):
    first, second = client_as(customer), client_as(customer)
    with app.test_request_context():
        from app.auth import sessions

        kept = sessions.start_session(customer)[0]
        assert revoke_sessions(customer, except_token=kept) == 2
    db.session.commit()

    assert not _signed_in(first) and not _signed_in(second)
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 1


def test_a_session_from_before_the_upgrade_is_not_accepted(app, client, customer):
    with client.session_transaction() as session:
        session["_user_id"] = str(customer.id)  # what Flask-Login kept before sign-ins had tokens
        session["_fresh"] = True
    assert not _signed_in(client)
