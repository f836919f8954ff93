"""Who gets which e-mail, checked at a real SMTP server: new topics reach the department's representatives,
answers, statuses and solutions reach the topic's followers (never the person who acted), and nobody gets
mail about what they may not see."""

from sqlalchemy import select

from app.community import services as community_services
from app.extensions import db
from app.notify.models import MailMessage, Subscription
from app.staff import services as staff
from tests.notify.smtp import html_part, text_part


def _post(author, topic, body):
    comment = community_services.post_comment(author, topic, body)
    db.session.commit()
    return comment


def _recipients(server) -> list[str]:
    return sorted(address for d in server.deliveries for address in d.rcpt_tos)


def test_a_new_topic_reaches_the_representatives_of_its_department(mail, community, customer, make_topic, make_user):
    second_rep = make_user("representative", departments=[community["private"]])
    make_topic(author=customer, category=community["cards"], title="My card is blocked abroad")

    assert _recipients(mail) == sorted(["rep.private@test.example", second_rep.email])
    message = mail.inbox("rep.private@test.example")[0]
    assert message["Subject"] == "New in Private clients: My card is blocked abroad"
    assert message["From"] == "Bank Community <support@test.example>"
    assert "https://support.bank.example/t/1-my-card-is-blocked-abroad" in text_part(message)


def test_a_private_topic_reaches_representatives_but_the_author_gets_nothing(mail, community, customer, make_topic):
    make_topic(author=customer, category=community["acquiring"], is_private=True)
    assert _recipients(mail) == ["rep.business@test.example"]


def test_an_official_answer_is_one_e_mail_to_the_author_with_the_status(mail, community, customer, make_topic):
    topic = make_topic(author=customer, category=community["cards"], title="Card declined in Riga")
    mail.deliveries.clear()

    answer = _post(community["rep_private"], topic, "Please enable payments **abroad**.")

    assert _recipients(mail) == ["customer@test.example"]  # not the representative who answered
    message = mail.inbox("customer@test.example")[0]
    assert message["Subject"] == "Official answer: Card declined in Riga"
    text = text_part(message)
    assert "Status: Open → Answered" in text
    assert "Pavel Private (official representative, Private clients) answered:" in text
    assert "Please enable payments **abroad**." in text
    assert f"#c{answer.id}" in text
    assert "<strong>abroad</strong>" in html_part(message)
    assert message["In-Reply-To"] == message["References"]


def test_commenters_follow_and_hear_of_later_answers(mail, community, customer, make_topic, make_user):
    topic = make_topic(author=customer, category=community["cards"])
    neighbour = make_user(email="neighbour@test.example")
    _post(neighbour, topic, "Same for me.")
    assert _recipients(mail) == ["customer@test.example", "rep.private@test.example"]  # new topic, then the comment
    mail.deliveries.clear()

    _post(community["rep_private"], topic, "Fixed now.")

    assert _recipients(mail) == ["customer@test.example", "neighbour@test.example"]


def test_status_change_and_solution_reach_followers_but_not_the_actor(mail, community, customer, make_topic):
    topic = make_topic(author=customer, category=community["cards"], topic_type="problem", mood="upset")
    answer = _post(community["rep_private"], topic, "We are looking into it.")
    mail.deliveries.clear()

    community_services.change_status(community["rep_private"], topic, "in_progress")
    db.session.commit()
    assert _recipients(mail) == ["customer@test.example"]
    assert mail.messages[0]["Subject"].startswith("In progress: ")
    mail.deliveries.clear()

    community_services.mark_solution(customer, topic, answer.id)
    db.session.commit()
    assert _recipients(mail) == ["rep.private@test.example"]  # the representative follows as a commenter
    message = mail.messages[0]
    assert message["Subject"].startswith("Solution chosen: ")
    assert "Status: In progress → Solved" in text_part(message)


def test_e_mail_comes_in_the_recipients_language(mail, community, customer, make_topic):
    customer.locale = "ru"
    db.session.commit()
    topic = make_topic(author=customer, category=community["cards"], topic_type="problem", mood="upset")
    mail.deliveries.clear()

    community_services.change_status(community["rep_private"], topic, "in_progress")
    db.session.commit()

    assert mail.messages[0]["Subject"].startswith("В работе: ")


def test_no_mail_about_a_private_topic_to_a_customer_who_may_not_see_it(
    mail, community, customer, make_topic, make_user, client_as
):
    topic = make_topic(author=customer, category=community["cards"], is_private=True)
    stranger = make_user(email="stranger@test.example")
    # The stranger cannot follow it...
    response = client_as(stranger).post(f"/t/{topic.id}/follow")
    assert response.status_code == 404
    # ...and even a subscription row (say, from before the topic was made private) sends nothing.
    db.session.add(Subscription(topic_id=topic.id, user_id=stranger.id, is_following=True))
    db.session.commit()
    mail.deliveries.clear()

    _post(community["rep_private"], topic, "We have unblocked your card.")

    assert _recipients(mail) == ["customer@test.example"]
    assert db.session.scalar(select(MailMessage).where(MailMessage.recipient == "stranger@test.example")) is None


def test_a_hidden_topic_only_reaches_staff(mail, community, customer, make_topic, make_user):
    topic = make_topic(author=customer, category=community["cards"])
    _post(community["rep_private"], topic, "An answer.")
    community_services.set_topic_hidden(community["moderator"], topic, True)
    db.session.commit()
    mail.deliveries.clear()

    _post(community["admin"], topic, "A note for the record.")

    assert _recipients(mail) == ["rep.private@test.example"]


def test_internal_notes_never_reach_e_mail(mail, community, customer, make_topic):
    topic = make_topic(author=customer, category=community["cards"])
    _post(community["rep_private"], topic, "A public answer.")
    mail.deliveries.clear()

    staff.add_internal_note(community["rep_private"], topic, "Customer is on the watch list SECRET-NOTE")
    db.session.commit()
    community_services.change_status(community["admin"], topic, "open")
    db.session.commit()
    _post(community["rep_private"], topic, "Second public answer.")

    assert mail.messages, "the status change and the answer are mailed"
    for delivery in mail.deliveries:
        assert b"SECRET-NOTE" not in delivery.raw
    assert db.session.scalar(select(MailMessage).where(MailMessage.body_text.contains("SECRET-NOTE"))) is None


def test_hidden_comments_are_not_mailed(app, mail, community, customer, make_topic):
    app.config["MAIL_SEND"] = "deferred"
    topic = make_topic(author=customer, category=community["cards"])
    comment = _post(community["rep_private"], topic, "Visit spam.example now")
    comment.is_hidden = True  # a moderator hid it before the queue was sent
    db.session.commit()

    from app.notify.sender import send_queued

    report = send_queued()

    assert report.cancelled == 1
    assert "customer@test.example" not in _recipients(mail)


def test_nothing_is_queued_when_the_request_fails(client, auth, community, customer, make_topic):
    topic = make_topic(author=customer, category=community["cards"])
    auth.login("rep.private@test.example")
    before = db.session.scalar(select(db.func.count()).select_from(MailMessage))

    response = client.post(f"/t/{topic.id}/comments", {"body": ""})

    assert response.status_code == 422
    assert db.session.scalar(select(db.func.count()).select_from(MailMessage)) == before


def test_a_topic_moved_to_another_department_reaches_its_representatives(mail, community, customer, make_topic):
    from app.moderation import services as moderation

    topic = make_topic(author=customer, category=community["cards"], title="Terminal for my shop")
    mail.deliveries.clear()

    moderation.move_topic(community["moderator"], topic, community["acquiring"].id, "question")
    db.session.commit()

    assert _recipients(mail) == ["rep.business@test.example"]
    message = mail.messages[0]
    assert message["Subject"] == "Moved to Business: Terminal for my shop"
    assert "A topic was moved to Business:" in text_part(message)
