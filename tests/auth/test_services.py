"""Account rules in app.auth.services."""

import pytest

from app.auth import services
from app.auth.passwords import verify_password
from app.common.errors import DomainError
from app.extensions import db
from tests.factories import PASSWORD


def test_register_user_normalises_the_email_and_hashes_the_password(app):
    user = services.register_user("  Mixed.Case@Test.Example ", "violet-lantern-42", "  Mia  ")

    assert user.email == "mixed.case@test.example"
    assert user.display_name == "Mia"
    assert user.role == "customer"
    assert verify_password(user.password_hash, "violet-lantern-42")
    assert not verify_password(user.password_hash, "violet-lantern-43")


def test_register_user_refuses_a_taken_email_in_any_case(customer):
    with pytest.raises(DomainError) as error:
        services.register_user("CUSTOMER@TEST.EXAMPLE", "violet-lantern-42", "Copy")

    assert error.value.field == "email"


@pytest.mark.parametrize("password", ["123456789", "1q2w3e4r5t", "zzzzzzzzzzzz", "xx-tester-xx-1"])
def test_register_user_refuses_weak_passwords(app, password):
    with pytest.raises(DomainError) as error:
        services.register_user("tester@test.example", password, "Tester")

    assert error.value.field == "password"


def test_register_user_refuses_an_unknown_role(app):
    with pytest.raises(DomainError):
        services.register_user("root@test.example", "violet-lantern-42", "Root", role="superuser")


def test_authenticate(make_user):
    user = make_user(email="ann@test.example")
    passwordless = services.create_user_without_password("demo@test.example", "Demo")
    db.session.commit()

    assert services.authenticate("ANN@test.example", PASSWORD) == user
    assert services.authenticate("ann@test.example", "not-the-password") is None
    assert services.authenticate("nobody@test.example", PASSWORD) is None
    assert services.authenticate(passwordless.email, "") is None
    user.is_blocked = True
    assert services.authenticate("ann@test.example", PASSWORD) is None


def test_set_role(make_user):
    admin = make_user("admin")
    other = make_user()

    services.set_role(admin, other, "moderator")
    assert other.role == "moderator"
    with pytest.raises(DomainError):
        services.set_role(admin, admin, "customer")
    with pytest.raises(DomainError):
        services.set_role(admin, other, "owner")
    assert (admin.role, other.role) == ("admin", "moderator")
