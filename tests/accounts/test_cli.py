"""`flask users create-admin` and `flask users set-role` on a fresh install."""

from sqlalchemy import select

from app.auth.models import User
from app.auth.passwords import verify_password
from app.extensions import db

SECRET = "granite-harbour-31"


def _user(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def test_create_admin_reads_the_password_from_stdin(runner, client):
    result = runner.invoke(args=["users", "create-admin", "Boss@Bank.example", "--password-stdin"], input=SECRET + "\n")
    assert result.exit_code == 0, result.output
    admin = _user("boss@bank.example")
    assert admin.role == "admin" and verify_password(admin.password_hash, SECRET)
    assert admin.email_verified_at is not None
    client.post("/login", {"email": "boss@bank.example", "password": SECRET})
    assert client.get("/admin/").status_code == 200


def test_create_admin_reads_the_env_var_or_prompts(runner, monkeypatch):
    monkeypatch.setenv("OTKLIK_ADMIN_PASSWORD", SECRET)
    assert runner.invoke(args=["users", "create-admin", "env@bank.example"]).exit_code == 0
    assert _user("env@bank.example").role == "admin"
    monkeypatch.delenv("OTKLIK_ADMIN_PASSWORD")
    prompted = runner.invoke(args=["users", "create-admin", "typed@bank.example"], input=f"{SECRET}\n{SECRET}\n")
    assert prompted.exit_code == 0, prompted.output
    assert verify_password(_user("typed@bank.example").password_hash, SECRET)


def test_create_admin_promotes_an_existing_account_and_refuses_weak_passwords(runner, customer):
    weak = runner.invoke(args=["users", "create-admin", customer.email, "--password-stdin"], input="short\n")
    assert weak.exit_code != 0 and "Use at least 10 characters." in weak.output
    assert _user(customer.email).role == "customer"
    result = runner.invoke(args=["users", "create-admin", customer.email, "--password-stdin"], input=SECRET + "\n")
    assert result.exit_code == 0
    assert _user(customer.email).role == "admin"


def test_set_role(runner, customer):
    result = runner.invoke(args=["users", "set-role", customer.email.upper(), "moderator"])
    assert result.exit_code == 0, result.output
    assert _user(customer.email).role == "moderator"
    unknown_role = runner.invoke(args=["users", "set-role", customer.email, "emperor"])
    assert unknown_role.exit_code != 0 and _user(customer.email).role == "moderator"
    nobody = runner.invoke(args=["users", "set-role", "nobody@bank.example", "admin"])
    assert nobody.exit_code != 0 and "No account" in nobody.output
