"""Forgot password: the same answer for every address, a mail with a link that works once for one hour."""

import re
import time

import itsdangerous.timed
from sqlalchemy import select

from app.auth.models import User
from app.auth.passwords import verify_password
from app.extensions import db
from app.notify.models import MailMessage
from tests.factories import PASSWORD
from tests.helpers import flashes, form_errors, page

NEW_PASSWORD = "amber-compass-77"
LINK = re.compile(r"http://127\.0\.0\.1:5000(/password/reset/[A-Za-z0-9_.\-]+)")


def _mails(address: str) -> list[MailMessage]:
    return db.session.scalars(
        select(MailMessage).where(MailMessage.recipient == address).order_by(MailMessage.id)
    ).all()


def _ask_for_link(client, email: str):
    return client.post("/password/forgot", {"email": email})


def _link_for(client, customer) -> str:
    _ask_for_link(client, customer.email)
    [mail] = _mails(customer.email)
    return LINK.search(mail.body_text).group(1)


def _set(client, path: str, password: str = NEW_PASSWORD):
    return client.post(path, {"password": password, "password2": password})


def test_sign_in_offers_forgot_password(client):
    link = page(client.get("/login")).find("a", href="/password/forgot")
    assert link is not None and link.text == "Forgot password?"


def test_known_and_unknown_addresses_get_the_same_answer(client, customer):
    known = _ask_for_link(client, customer.email)
    known_flash = flashes(client.get(known.headers["Location"]))
    unknown = _ask_for_link(client, "nobody@test.example")
    unknown_flash = flashes(client.get(unknown.headers["Location"]))

    assert (known.status_code, known.headers["Location"]) == (unknown.status_code, unknown.headers["Location"])
    assert known_flash == unknown_flash
    assert "If this address is registered, we sent a link" in known_flash[0]
    assert len(_mails(customer.email)) == 1 and _mails("nobody@test.example") == []


def test_the_mail_arrives_in_the_outbox_with_the_link(client, customer):
    response = _ask_for_link(client, customer.email.upper())
    [mail] = _mails(customer.email)
    assert mail.status == "queued"  # the answer leaves before the mail server is asked (its speed tells nothing)
    response.close()  # what the WSGI server does once the answer is sent
    db.session.expire_all()
    [mail] = _mails(customer.email)
    assert mail.status == "sent" and mail.subject == "Reset your password"
    assert LINK.search(mail.body_text) and LINK.search(mail.body_html)
    assert mail.unsubscribe_url is None


def test_the_link_works_once(client, client_as, customer):
    path = _link_for(client, customer)
    other = client_as()
    assert other.get(path).status_code == 200

    response = _set(other, path)
    assert response.status_code == 302
    db.session.refresh(customer)
    assert verify_password(customer.password_hash, NEW_PASSWORD)
    assert not verify_password(customer.password_hash, PASSWORD)
    assert customer.email_verified_at is not None
    assert other.get("/settings").status_code == 200  # signed in

    again = client_as()
    assert again.get(path).status_code == 400
    assert _set(again, path, "another-secret-99").status_code == 400
    db.session.refresh(customer)
    assert verify_password(customer.password_hash, NEW_PASSWORD)


def test_a_link_stops_working_once_the_password_changed_otherwise(client, customer):
    path = _link_for(client, customer)
    user = db.session.get(User, customer.id)
    from app.auth.passwords import hash_password

    user.password_hash = hash_password("changed-elsewhere-1")
    db.session.commit()
    assert client.get(path).status_code == 400


def test_the_link_expires_after_an_hour(client, customer, monkeypatch):
    path = _link_for(client, customer)
    later = int(time.time()) + 3601
    monkeypatch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp", lambda self: later)
    response = _set(client, path)
    assert response.status_code == 400
    assert "expired or was already used" in response.get_data(as_text=True)
    db.session.refresh(customer)
    assert verify_password(customer.password_hash, PASSWORD)


def test_a_forged_or_garbled_link_is_a_400(client):
    assert client.get("/password/reset/not-a-token").status_code == 400
    assert client.get("/password/reset/" + "x" * 600).status_code == 400


def test_a_weak_new_password_is_refused_and_the_link_still_works(client, customer):
    path = _link_for(client, customer)
    response = _set(client, path, "short")
    assert response.status_code == 422 and "Use at least 10 characters." in form_errors(response)
    assert _set(client, path).status_code == 302


def test_asking_for_links_is_rate_limited(app, client, customer):
    app.config["RATELIMIT_PASSWORD_RESET"] = "2/minute"
    codes = [_ask_for_link(client, f"someone{i}@test.example").status_code for i in range(3)]
    assert codes == [302, 302, 429]


def test_a_reset_ends_every_earlier_sign_in_and_remember_cookie(app, client, client_as, customer):
    """Someone who knew the old password (a phone left signed in, a copied remember cookie) is out after a reset."""
    phone = client_as(customer)
    thief = client_as()
    thief.set_cookie("remember_token", phone.get_cookie("remember_token").value)
    assert phone.get("/settings").status_code == thief.get("/settings").status_code == 200

    path = _link_for(client, customer)
    assert _set(client_as(), path).status_code == 302

    assert phone.get("/settings").status_code == 302
    assert thief.get("/settings").status_code == 302
