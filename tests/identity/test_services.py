"""Identity rules without a provider: first visit, no e-mail, verified e-mail of another account, unlink."""

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.common.errors import DomainError
from app.extensions import db
from app.identity import services
from app.identity.services import Profile


def test_first_visit_creates_a_user_without_password_or_e_mail(app):
    user = services.sign_in_with(Profile("vk", "100", "Vera"))
    db.session.commit()
    assert user.password_hash is None and user.email.endswith("@users.invalid") and user.display_name == "Vera"
    assert services.sign_in_with(Profile("vk", "100", "Vera V.")).id == user.id
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_verified_e_mail_of_a_new_person_becomes_the_account_e_mail(app):
    user = services.sign_in_with(Profile("google", "g-1", "Gina", "Gina@Example.test", True))
    assert user.email == "gina@example.test"


def test_verified_e_mail_of_an_existing_account_is_not_attached(app, customer):
    with pytest.raises(services.EmailBelongsToAccount):
        services.sign_in_with(Profile("google", "g-2", "Carol", customer.email, True))
    assert services.identities_of(customer) == []


def test_unverified_e_mail_of_an_existing_account_makes_a_separate_account(app, customer):
    user = services.sign_in_with(Profile("yandex", "y-1", "Carol", customer.email, False))
    assert user.id != customer.id and user.email != customer.email


def test_an_identity_belongs_to_one_user(app, customer, make_user):
    services.link_identity(customer, Profile("vk", "7"))
    with pytest.raises(DomainError, match="already linked to another user"):
        services.link_identity(make_user(), Profile("vk", "7"))
    with pytest.raises(DomainError, match="Unlink your current account"):
        services.link_identity(customer, Profile("vk", "8"))


def test_unlink_keeps_the_last_way_to_sign_in(app, customer):
    social_only = services.sign_in_with(Profile("facebook", "f-1", "Fred"))
    (only,) = services.identities_of(social_only)
    with pytest.raises(DomainError, match="only way to sign in"):
        services.unlink_identity(social_only, only.id)
    services.link_identity(social_only, Profile("vk", "9"))
    services.unlink_identity(social_only, only.id)
    assert [i.provider for i in services.identities_of(social_only)] == ["vk"]
    linked = services.link_identity(customer, Profile("google", "g-3"))
    services.unlink_identity(customer, linked.id)  # the password remains
    with pytest.raises(DomainError):
        services.unlink_identity(customer, services.identities_of(social_only)[0].id)  # not theirs
