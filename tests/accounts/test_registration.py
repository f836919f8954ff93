"""Registration never says an address is taken; confirming the address; EMAIL_VERIFICATION=required."""

import html
import re

import pytest
from sqlalchemy import func, select

from app.auth.models import User, UserSession
from app.community.models import Topic
from app.extensions import db
from app.notify.models import MailMessage
from tests.helpers import flashes, form_errors, page

NEW = {
    "display_name": "Nina New",
    "email": "nina@test.example",
    "password": "violet-lantern-42",
    "password2": "violet-lantern-42",
}
VERIFY = re.compile(r"http://127\.0\.0\.1:5000(/verify/[A-Za-z0-9_.\-]+(?:\?next=[^\s\"<]+)?)")


def _mails(address: str) -> list[MailMessage]:
    return db.session.scalars(
        select(MailMessage).where(MailMessage.recipient == address).order_by(MailMessage.id)
    ).all()


@pytest.fixture
def required(app):
    app.config["EMAIL_VERIFICATION"] = "required"


def _outcome(app, client, email: str) -> dict:
    """What a stranger registering `email` can observe, and what reaches the address."""
    before = {
        "users": db.session.scalar(select(func.count()).select_from(User)),
        "sessions": db.session.scalar(select(func.count()).select_from(UserSession)),
    }
    response = client.post("/register", {**NEW, "email": email, "next": "/new?resume=1"})
    shown = client.get(response.headers["Location"])
    return {
        "status": response.status_code,
        "location": response.headers["Location"],
        "cookies_set": sorted(header.split("=", 1)[0] for header in response.headers.getlist("Set-Cookie")),
        "flashes": [text.replace(email.lower(), "@") for text in flashes(shown)],
        "page": " ".join(page(shown).find("main").text.split()).replace(email.lower(), "@"),
        "signed_in": client.get("/settings").status_code == 200,
        "new_sessions": db.session.scalar(select(func.count()).select_from(UserSession)) - before["sessions"],
        "mails_to_address": len(_mails(email.lower())),
    }


@pytest.mark.parametrize("mode", ["reset-only", "required", "off"])
def test_a_new_and_a_taken_address_are_answered_alike_in_every_mode(app, client_as, customer, mode):
    """Issue 11: registration must not tell whether an address has an account, whatever EMAIL_VERIFICATION."""
    app.config["EMAIL_VERIFICATION"] = mode
    taken = _outcome(app, client_as(), customer.email.upper())
    fresh = _outcome(app, client_as(), NEW["email"])

    assert taken == fresh
    assert fresh["status"] == 302 and fresh["location"].startswith("/login")
    assert fresh["flashes"] == ["Check your e-mail: we sent a message to @. Follow the link in it to finish."]
    assert not fresh["signed_in"] and fresh["new_sessions"] == 0 and fresh["mails_to_address"] == 1
    # Behind the same answer: the owner of the taken address is told, the new address gets its link.
    [warning] = _mails(customer.email)
    assert warning.subject == "Someone tried to register with your address"
    assert "Someone tried to create an account" in warning.body_text and "/password/forgot" in warning.body_text
    assert db.session.scalar(select(func.count()).select_from(User).where(User.email == customer.email)) == 1
    [link] = _mails(NEW["email"])
    assert link.subject == "Confirm your e-mail address"


def test_the_link_finishes_the_registration_and_goes_on_where_the_person_was_going(client_as, community):
    client = client_as()
    client.post("/register", {**NEW, "next": "/new?resume=1"})
    nina = db.session.scalar(select(User).where(User.email == NEW["email"]))
    assert nina.email_verified_at is None and client.get("/settings").status_code == 302

    [mail] = _mails(NEW["email"])
    path = VERIFY.search(mail.body_text).group(1)
    followed = client.get(html.unescape(path))
    assert followed.status_code == 302 and followed.headers["Location"] == "/new?resume=1"
    db.session.refresh(nina)
    assert nina.email_verified_at is not None
    assert client.get("/settings").status_code == 200


def test_a_next_off_site_is_dropped_from_the_link(client_as):
    client = client_as()
    client.post("/register", {**NEW, "next": "//evil.example/x"})
    [mail] = _mails(NEW["email"])
    assert "evil" not in mail.body_text
    assert client.get(VERIFY.search(mail.body_text).group(1) + "?next=//evil.example").headers["Location"] == "/"


def test_the_person_may_also_sign_in_with_the_password_at_once(client_as):
    """reset-only (the default): the account exists; the link only confirms the address."""
    client = client_as()
    client.post("/register", NEW)
    response = client.post("/login", {"email": NEW["email"], "password": NEW["password"]})
    assert response.status_code == 302 and client.get("/settings").status_code == 200


def test_unverified_customers_cannot_post_publicly_until_they_confirm(app, client_as, make_user, community, required):
    user = make_user()
    client = client_as(user)
    new_page = page(client.get("/new"))
    notice = new_page.find("div", class_="verify-notice")
    assert notice is not None and "confirm your e-mail address" in notice.text
    form = {
        "type": "question",
        "title": "How do I close my account?",
        "body": "Please help.",
        "category_id": str(community["cards"].id),
        "mood": "indifferent",
        "confirmed": "1",
    }
    refused = client.post("/new", form)
    assert refused.status_code == 422
    assert any("confirm your e-mail address" in error for error in form_errors(refused))
    assert db.session.scalar(select(func.count()).select_from(Topic)) == 0

    client.post("/verify/resend")
    [mail] = _mails(user.email)
    assert client.get(VERIFY.search(mail.body_text).group(1)).status_code == 302
    assert client.post("/new", form).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Topic)) == 1


def test_resending_the_confirmation_is_rate_limited(app, client_as, make_user, required):
    app.config["RATELIMIT_VERIFICATION_RESEND"] = "2/hour"
    client = client_as(make_user())
    assert [client.post("/verify/resend").status_code for _ in range(3)] == [302, 302, 429]


def test_staff_and_reset_only_mode_are_not_held_back(app, make_user, community, make_topic):
    assert make_topic(author=make_user()).id  # reset-only (the default): customers post at once
    app.config["EMAIL_VERIFICATION"] = "required"
    assert make_topic(author=community["rep_private"]).id


def test_a_bad_confirmation_link_is_a_400(client):
    assert client.get("/verify/garbage").status_code == 400
