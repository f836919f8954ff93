"""Card numbers, their codes and IBANs are masked before they are stored, shown or indexed."""

import pytest

from app.common.sensitive import CARD, CVC, IBAN, mask
from app.community import services as community_services
from app.community.models import Comment, Topic
from app.extensions import db
from app.staff import services as staff_services
from tests.helpers import flashes, page_text, with_search_backend


@pytest.mark.parametrize(
    "text, expected, found",
    [
        ("My card 4276 3800 1234 5679 cvc 123 please", "My card 4276 •••• •••• 5679 cvc ••• please", {CARD, CVC}),
        ("4276380012345679 12/27 123", "4276 •••• •••• 5679 12/27 •••", {CARD, CVC}),
        ("card 4276-3800-1234-5679, CVV2: 9876", "card 4276 •••• •••• 5679, CVV2: •••", {CARD, CVC}),
        (
            "код безопасности 321 от карты 5555555555554444",
            "код безопасности ••• от карты 5555 •••• •••• 4444",
            {CARD, CVC},
        ),
        ("Visa 4111 1111 1111 1111 exp 12/27", "Visa 4111 •••• •••• 1111 exp 12/27", {CARD}),
        ("amex 3782 822463 10005", "amex 3782 •••• •••• 0005", {CARD}),
        ("IBAN DE89 3704 0044 0532 0130 00, thanks", "IBAN DE89 •••• 3000, thanks", {IBAN}),
        ("to UA213223130000026007233566001", "to UA21 •••• 6001", {IBAN}),
    ],
)
def test_real_looking_numbers_are_masked(text, expected, found):
    result = mask(text)
    assert (result.text, result.found) == (expected, found)


@pytest.mark.parametrize(
    "text",
    [
        "Call me at +7 916 123-45-67 or 8 (800) 555-35-35",
        "Contract 4276380012345678 (fails Luhn)",
        "Contract No. 1234567890123",
        "Paid 150 000,00 RUB on 2024-01-15 at 12:30, order 20240115123045",
        "Sum 1,234,567,890,123.45 and 4111 1111 1111 1111.50 rubles",
        "IBAN DE00 3704 0044 0532 0130 00 (wrong check digits)",
        "My code is 123 and the year 2027",
    ],
)
def test_ordinary_numbers_stay(text):
    result = mask(text)
    assert (result.text, result.found) == (text, set())


@pytest.fixture
def app(app):
    yield from with_search_backend(app)


def test_a_public_topic_is_stored_and_indexed_masked_and_the_author_is_told(client_as, customer, community):
    client = client_as(customer)
    response = client.post(
        "/new",
        {
            "type": "question",
            "title": "Card 4276 3800 1234 5679 blocked",
            "category_id": str(community["cards"].id),
            "body": "Number 4276 3800 1234 5679, CVC 123. Why was it blocked?",
            "mood": "indifferent",
            "confirmed": "1",
        },
    )
    assert response.status_code == 302
    topic_page = client.get(response.headers["Location"])
    [notice] = [text for text in flashes(topic_page) if "we hid" in text]
    assert "a card number" in notice and "security code" in notice
    text = page_text(topic_page)
    assert "4276 •••• •••• 5679" in text and "3800" not in text and "123." not in text

    topic = db.session.scalar(db.select(Topic))
    assert topic.title == "Card 4276 •••• •••• 5679 blocked"
    assert "3800" not in topic.body and "3800" not in topic.body_html
    search = page_text(client_as().get("/search?q=3800"))
    assert "blocked" not in search


def test_comments_are_masked(client_as, make_topic, customer, community):
    topic = make_topic(category=community["cards"])
    client = client_as(customer)
    response = client.post(f"/t/{topic.id}/comments", {"body": "Send it to DE89 3704 0044 0532 0130 00"})
    assert "an account number (IBAN)" in " ".join(flashes(client.get(response.headers["Location"])))
    stored = db.session.scalar(db.select(Comment).where(Comment.topic_id == topic.id))
    assert stored.body == "Send it to DE89 •••• 3000" and "0532" not in stored.body_html


def test_internal_notes_keep_numbers_only_when_allowed(app, make_topic, community):
    topic = make_topic(category=community["cards"])
    staff = community["rep_private"]
    note = staff_services.add_internal_note(staff, topic, "Customer's card 4111 1111 1111 1111")
    assert note.body == "Customer's card 4111 •••• •••• 1111"
    app.config["KEEP_CARD_NUMBERS_IN_INTERNAL_NOTES"] = True
    kept = staff_services.add_internal_note(staff, topic, "Customer's card 4111 1111 1111 1111")
    assert kept.body == "Customer's card 4111 1111 1111 1111"
    db.session.rollback()


def test_services_mask_edits_too(make_topic, customer, community):
    topic = make_topic(author=customer, category=community["cards"])
    community_services.edit_topic(customer, topic, "Card problem again", "It is 5555 5555 5555 4444")
    assert topic.body == "It is 5555 •••• •••• 4444" and topic.masked_sensitive == {CARD}
    db.session.rollback()


def test_knowledge_base_comments_are_masked_and_the_author_is_told(client_as, make_article, customer, community):
    from app.kb.models import ArticleComment

    article = make_article(author=community["rep_business"], category=community["cards"])
    client = client_as(customer)
    response = client.post(f"/kb/{article.id}/comments", {"body": "My card 4276 3800 1234 5679 CVC 123 fails"})
    assert response.status_code == 302
    shown = client.get(response.headers["Location"])
    assert any("a card number" in text for text in flashes(shown))
    assert "3800" not in page_text(shown)
    stored = db.session.scalar(db.select(ArticleComment))
    assert "4276 •••• •••• 5679" in stored.body and "3800" not in stored.body + stored.body_html
