"""Sign-in through a real OpenID Connect provider (npm oidc-provider on loopback): the happy path and every refusal."""

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from app.auth import services as auth_services
from app.auth.models import User
from app.extensions import db
from app.identity.models import Identity
from tests.factories import PASSWORD


def start(client, path="/login/oidc"):
    response = client.get(path)
    assert response.status_code == 302
    location = response.headers["Location"]
    query = parse_qs(urlsplit(location).query)
    assert query["code_challenge_method"] == ["S256"] and query["state"] and query["nonce"]
    return location


def signed_in_user_id(client):
    """The id of the user the client's session signs in (the cookie carries a sign-in token, not the id)."""
    from app.auth.sessions import load_user_for_token

    with client.session_transaction() as session:
        token = session.get("_user_id")
    user = load_user_for_token(token) if token else None
    return str(user.id) if user is not None else None


def users():
    return db.session.scalar(select(func.count(User.id)))


def test_sign_in_page_shows_only_configured_providers(oidc_client):
    page = oidc_client.get("/login").get_data(as_text=True)
    assert "Sign in with Test SSO" in page
    assert "Sign in with Google" not in page and "Sign in with VK ID" not in page
    assert oidc_client.get("/login/google").status_code == 404


def test_sign_in_creates_a_user_without_e_mail_and_signs_in_again(oidc_client, provider_browser):
    callback = provider_browser.sign_in(start(oidc_client), "alice")
    response = oidc_client.get(callback)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    user_id = signed_in_user_id(oidc_client)
    identity = db.session.scalar(select(Identity))
    assert identity.provider == "oidc" and identity.subject == "user-alice" and str(identity.user_id) == user_id
    assert identity.user.password_hash is None and identity.user.email.endswith("@users.invalid")
    assert identity.user.display_name == "alice"
    oidc_client.post("/logout")
    again = oidc_client.get(provider_browser.sign_in(start(oidc_client), "alice"))
    assert again.status_code == 302 and signed_in_user_id(oidc_client) == user_id and users() == 1


def test_missing_state_is_refused(oidc_client, provider_browser):
    callback = provider_browser.sign_in(start(oidc_client), "bob")
    query = parse_qs(urlsplit(callback).query)
    response = oidc_client.get(f"/login/oidc/callback?code={query['code'][0]}")
    assert response.status_code == 400 and "failed or was cancelled" in response.get_data(as_text=True)
    assert signed_in_user_id(oidc_client) is None and users() == 0


def test_wrong_state_is_refused(oidc_client, provider_browser):
    callback = provider_browser.sign_in(start(oidc_client), "bob")
    query = parse_qs(urlsplit(callback).query)
    response = oidc_client.get(f"/login/oidc/callback?code={query['code'][0]}&state=forged-state")
    assert response.status_code == 400 and signed_in_user_id(oidc_client) is None and users() == 0


def test_replayed_state_is_refused(oidc_client, provider_browser):
    callback = provider_browser.sign_in(start(oidc_client), "bob")
    assert oidc_client.get(callback).status_code == 302
    oidc_client.post("/logout")
    replay = oidc_client.get(callback)
    assert replay.status_code == 400 and signed_in_user_id(oidc_client) is None


def test_wrong_nonce_is_refused(oidc_client, provider_browser, caplog):
    location = start(oidc_client)
    with oidc_client.session_transaction() as session:
        key = next(key for key in session if key.startswith("_state_oidc_"))
        state = dict(session[key])
        state["data"] = {**state["data"], "nonce": "not-the-nonce-the-provider-saw"}
        session[key] = state
    with caplog.at_level("INFO"):
        response = oidc_client.get(provider_browser.sign_in(location, "carol"))
    assert response.status_code == 400 and signed_in_user_id(oidc_client) is None and users() == 0
    assert "refused: InvalidClaimError" in caplog.text  # the nonce claim, checked by authlib


def test_expired_id_token_is_refused(make_oidc_app, provider_browser, monkeypatch, caplog):
    from tests.conftest import CsrfClient

    app = make_oidc_app("otklik-expired")  # this client's ID tokens live 1 second
    with app.app_context():
        db.create_all()
        client = CsrfClient(app.test_client())
        callback = provider_browser.sign_in(start(client), "dave")
        from joserfc._rfc7519 import claims

        real_now = claims._generate_now
        monkeypatch.setattr(claims, "_generate_now", lambda: real_now() + 5)  # our clock reads 5 s later
        with caplog.at_level("INFO"):
            response = client.get(callback)
        assert response.status_code == 400 and signed_in_user_id(client) is None
        assert "refused: ExpiredTokenError" in caplog.text
        assert db.session.scalar(select(func.count(User.id))) == 0


def test_provider_error_is_refused(oidc_client, provider_browser):
    callback = provider_browser.sign_in(start(oidc_client), "erin", cancel=True)
    assert "error=access_denied" in callback
    response = oidc_client.get(callback)
    assert response.status_code == 400 and "failed or was cancelled" in response.get_data(as_text=True)
    assert signed_in_user_id(oidc_client) is None and users() == 0


def test_twenty_abandoned_logins_do_not_break_the_next(oidc_client, provider_browser):
    for _ in range(20):
        start(oidc_client)  # the person closed the provider's tab
    response = oidc_client.get(provider_browser.sign_in(start(oidc_client), "frank"))
    assert response.status_code == 302 and signed_in_user_id(oidc_client) is not None
    with oidc_client.session_transaction() as session:
        assert sum(key.startswith("_state_") for key in session) <= 3


def test_verified_email_of_an_existing_account_needs_its_owner_to_sign_in(oidc_client, provider_browser):
    owner = auth_services.register_user("grace@test.example", PASSWORD, "Grace")
    db.session.commit()
    response = oidc_client.get(
        provider_browser.sign_in(start(oidc_client), "grace", "grace@test.example", verified=True)
    )
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
    assert signed_in_user_id(oidc_client) is None and db.session.scalar(select(Identity)) is None
    oidc_client.post("/login", {"email": "grace@test.example", "password": PASSWORD})
    page = oidc_client.get("/account/link/confirm").get_data(as_text=True)
    assert "Link the Oidc account grace" in page
    assert oidc_client.post("/account/link/confirm").status_code == 302
    assert db.session.scalar(select(Identity)).user_id == owner.id


@pytest.mark.parametrize("verified", [False])
def test_unverified_email_never_matches_an_account(oidc_client, provider_browser, verified):
    owner = auth_services.register_user("heidi@test.example", PASSWORD, "Heidi")
    db.session.commit()
    response = oidc_client.get(
        provider_browser.sign_in(start(oidc_client), "heidi", "heidi@test.example", verified=verified)
    )
    assert response.status_code == 302
    identity = db.session.scalar(select(Identity))
    assert identity.user_id != owner.id and identity.user.email != "heidi@test.example"
    assert identity.email == "heidi@test.example" and not identity.is_email_verified


def test_link_and_unlink_on_the_account_page(oidc_client, provider_browser):
    auth_services.register_user("ivan@test.example", PASSWORD, "Ivan")
    db.session.commit()
    oidc_client.post("/login", {"email": "ivan@test.example", "password": PASSWORD})
    page = oidc_client.get("/account/sign-in").get_data(as_text=True)
    assert "Link Test SSO" in page
    response = oidc_client.post("/account/link/oidc")
    assert response.status_code == 302
    assert oidc_client.get(provider_browser.sign_in(response.headers["Location"], "ivan-sso")).status_code == 302
    identity = db.session.scalar(select(Identity))
    assert identity.user.email == "ivan@test.example"
    assert oidc_client.post(f"/account/sign-in/{identity.id}/unlink").status_code == 302
    assert db.session.scalar(select(Identity)) is None


def test_the_last_way_to_sign_in_cannot_be_unlinked(oidc_client, provider_browser):
    oidc_client.get(provider_browser.sign_in(start(oidc_client), "judy"))
    identity = db.session.scalar(select(Identity))
    response = oidc_client.post(f"/account/sign-in/{identity.id}/unlink")
    assert response.status_code == 400, (
        response.status_code,
        response.headers.get("Location"),
    ) and "only way to sign in" in response.get_data(as_text=True)
    assert db.session.scalar(select(Identity)) is not None
