"""Display names and titles: no bidi overrides or zero-width characters; customers cannot look like staff."""

import pytest
from sqlalchemy import select

from app.auth import services as auth_services
from app.auth.models import User
from app.common.errors import DomainError
from app.common.names import claims_staff, skeleton, strip_invisible
from app.extensions import db
from tests.helpers import form_errors

REFUSED = "This name looks like a staff member's or the organisation's: please choose another one."


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("Nina\u202e evil", "Nina evil"),
        ("\u2067Ni\u200bna\u2069", "Nina"),
        ("Ni\u200dna\ufeff", "Nina"),
        ("Ольга\u200f  Петрова", "Ольга Петрова"),
    ],
)
def test_invisible_and_direction_characters_are_removed(raw, clean):
    assert strip_invisible(raw) == clean


@pytest.mark.parametrize(
    "name",
    [
        "Official Support",
        "Оfficial Suppоrt",
        "Bank supp0rt",
        "Admin",
        "Представитель банка",
        "Поддержка",
        "Офіційний акаунт",
        "Представник",
        "ОФИЦИАЛЬНЫЙ",
        "Sup\u200bport",
        "Служба поддержки",
        "Підтримка клієнтів",
    ],
)
def test_staff_words_in_any_script_are_recognised(name):
    assert claims_staff(name)


@pytest.mark.parametrize("name", ["Nina New", "Ольга Петрова", "Іван Франко", "Supervisor of kittens", "Mary Supper"])
def test_ordinary_names_pass(name):
    assert not claims_staff(name)


def test_homoglyphs_of_a_staff_name_match():
    assert skeleton("Olga Petrova") == skeleton("Оlgа Реtrоvа")  # Cyrillic О, а, Р, е, о
    assert claims_staff("Оlgа Реtrоvа", ["Olga Petrova"])


def test_registration_refuses_a_staff_look_alike_name(client, make_user):
    make_user(role="representative", name="Olga Petrova")
    response = client.post(
        "/register",
        {
            "display_name": "Оlgа Реtrоvа",
            "email": "eve@test.example",
            "password": "violet-lantern-42",
            "password2": "violet-lantern-42",
        },
    )
    assert response.status_code == 422 and REFUSED in form_errors(response)
    assert db.session.scalar(select(User).where(User.email == "eve@test.example")) is None


def test_settings_refuse_a_staff_name_and_strip_invisible_characters(client_as, customer):
    client = client_as(customer)
    refused = client.post("/settings", {"display_name": "Служба поддержки", "locale": ""})
    assert refused.status_code == 422 and REFUSED in form_errors(refused)
    assert client.post("/settings", {"display_name": "Nina\u202e\u200b New", "locale": ""}).status_code == 302
    db.session.refresh(customer)
    assert customer.display_name == "Nina New"


def test_staff_may_use_staff_words(app):
    user = auth_services.register_user("rep@test.example", "violet-lantern-42", "Official Support", role="moderator")
    assert user.display_name == "Official Support"
    with pytest.raises(DomainError):
        auth_services.register_user("cust@test.example", "violet-lantern-42", "Official Support")


def test_topic_titles_lose_invisible_characters(make_topic):
    topic = make_topic(title="My card\u202e\u200b is blocked")
    assert topic.title == "My card is blocked"


def test_numbered_names_are_not_taken_for_each_other():
    assert not claims_staff("User39", ["User3"])
    assert claims_staff("User3", ["User3"])
