"""The unsubscribe link in every e-mail: GET asks, POST (a button, or the mail client's RFC 8058 one-click POST
without any CSRF token) stops the mail, and no further e-mail of that kind arrives."""

import pytest
from sqlalchemy import select

from app.community import services as community_services
from app.extensions import db
from app.notify.models import NotificationSettings, Subscription
from tests.helpers import db_snapshot, page, page_text
from tests.notify.smtp import text_part


def _post(author, topic, body):
    community_services.post_comment(author, topic, body)
    db.session.commit()


def _path(url: str) -> str:
    return url.removeprefix("https://support.bank.example")


@pytest.fixture
def answered(mail, community, customer, make_topic):
    """A customer's topic with an official answer; the customer got the answer by e-mail."""
    topic = make_topic(author=customer, category=community["cards"], title="Where is my card")
    _post(community["rep_private"], topic, "It is on its way.")
    message = mail.inbox("customer@test.example")[-1]
    return topic, message


def test_every_e_mail_has_list_unsubscribe_headers_and_a_link(answered):
    _, message = answered
    header = message["List-Unsubscribe"]
    assert header.startswith("<https://support.bank.example/unsubscribe/") and header.endswith(">")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"Unsubscribe: {header[1:-1]}" in text_part(message)


def test_opening_the_link_asks_first_and_changes_nothing(client, answered):
    _, message = answered
    before = db_snapshot()

    response = client.get(_path(message["List-Unsubscribe"][1:-1]))

    assert response.status_code == 200
    assert "Stop e-mails about “Where is my card”?" in page_text(response)
    assert db_snapshot() == before


def test_one_click_post_without_csrf_token_unfollows_and_stops_the_mail(client, mail, community, customer, answered):
    topic, message = answered
    url = _path(message["List-Unsubscribe"][1:-1])

    # What Gmail and others send (RFC 8058): no cookies, no CSRF token.
    response = client.post_raw(url, data={"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert "You will get no more e-mails about “Where is my card”." in page_text(response)
    assert (
        db.session.scalar(
            select(Subscription.is_following).where(
                Subscription.topic_id == topic.id, Subscription.user_id == customer.id
            )
        )
        is False
    )
    mail.deliveries.clear()
    _post(community["rep_private"], topic, "It was delivered.")
    assert mail.inbox("customer@test.example") == []


def test_unfollowing_sticks_when_the_customer_writes_again(mail, community, customer, answered, client):
    topic, message = answered
    client.post_raw(_path(message["List-Unsubscribe"][1:-1]))
    _post(customer, topic, "Thanks, got it.")
    mail.deliveries.clear()

    _post(community["rep_private"], topic, "Glad to help.")

    assert mail.inbox("customer@test.example") == []


def test_stop_all_e_mail(client, mail, community, customer, answered, make_topic):
    _, message = answered
    confirm = page(client.get(_path(message["List-Unsubscribe"][1:-1])))
    form = confirm.find("form", id="unsubscribe-all")
    assert form.find("input", name="what").get("value") == "all"

    response = client.post_raw(form.get("action"), data={"what": "all"})

    assert "You will get no more e-mails from Bank Community." in page_text(response)
    assert db.session.get(NotificationSettings, customer.id).email_enabled is False
    mail.deliveries.clear()
    other = make_topic(author=customer, category=community["cards"])
    _post(community["rep_private"], other, "An answer on another topic.")
    assert mail.inbox("customer@test.example") == []


def test_representatives_can_stop_new_topic_mail(client, mail, community, customer, make_topic):
    make_topic(author=customer, category=community["cards"])
    message = mail.inbox("rep.private@test.example")[0]
    client.post_raw(_path(message["List-Unsubscribe"][1:-1]))
    mail.deliveries.clear()

    make_topic(author=customer, category=community["cards"])

    assert mail.inbox("rep.private@test.example") == []
    assert db.session.get(NotificationSettings, community["rep_private"].id).new_topics is False


@pytest.mark.parametrize("token", ["nonsense", "WzEsImFsbCJd.forged-signature", "x" * 600])
def test_a_forged_or_broken_link_is_404_and_changes_nothing(client, answered, token):
    before = db_snapshot()
    assert client.get(f"/unsubscribe/{token}").status_code == 404
    assert client.post_raw(f"/unsubscribe/{token}").status_code == 404
    assert db_snapshot() == before


def test_a_link_signed_with_another_secret_is_refused(app, client, customer, answered):
    from itsdangerous import URLSafeSerializer

    forged = URLSafeSerializer("not-our-secret", salt="otklik.notify.unsubscribe").dumps([customer.id, "all"])
    assert client.post_raw(f"/unsubscribe/{forged}").status_code == 404
    assert db.session.get(NotificationSettings, customer.id) is None
