"""Registration never says an address is taken; confirming the address; EMAIL_VERIFICATION=required."""

import re

import pytest
from sqlalchemy import func, select

from app.auth.models import User
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
VERIFY = re.compile(r"http://127\.0\.0\.1:5000(/verify/[A-Za-z0-9_.\-]+)")


def _mails(address: str) -> list[MailMessage]:
    return db.session.scalars(
        select(MailMessage).where(MailMessage.recipient == address).order_by(MailMessage.id)
    ).all()


@pytest.fixture
def required(app):
    app.config["EMAIL_VERIFICATION"] = "required"


def test_a_taken_address_is_not_revealed_and_its_owner_is_told(client, customer):
    response = client.post("/register", {**NEW, "email": "Customer@Test.EXAMPLE"})

    assert response.status_code == 302
    assert "already exists" not in response.get_data(as_text=True)
    shown = flashes(client.get(response.headers["Location"]))
    assert shown == ["We sent a message to customer@test.example: follow the link in it to confirm your address."]
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
    [mail] = _mails("customer@test.example")
    assert "Someone tried to create an account" in mail.body_text and "/password/forgot" in mail.body_text


def test_required_mode_answers_a_new_and_a_taken_address_alike(app, client, client_as, customer, required):
    taken = client.post("/register", {**NEW, "email": customer.email})
    fresh_client = client_as()
    fresh = fresh_client.post("/register", NEW)

    assert (taken.status_code, taken.headers["Location"]) == (fresh.status_code, fresh.headers["Location"])
    taken_flash, fresh_flash = flashes(client.get("/")), flashes(fresh_client.get("/"))
    assert [text.replace(customer.email, "@") for text in taken_flash] == [
        text.replace("nina@test.example", "@") for text in fresh_flash
    ]
    assert client.get("/settings").status_code == fresh_client.get("/settings").status_code == 302
    [mail] = _mails("nina@test.example")
    assert mail.subject == "Confirm your e-mail address"

    path = VERIFY.search(mail.body_text).group(1)
    assert fresh_client.get(path).status_code == 302
    nina = db.session.scalar(select(User).where(User.email == "nina@test.example"))
    assert nina.email_verified_at is not None
    assert fresh_client.get("/settings").status_code == 200  # the link signed her in


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
