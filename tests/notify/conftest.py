import pytest

from tests.notify.smtp import SmtpServer


@pytest.fixture
def smtp_server():
    server = SmtpServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mail(app, smtp_server):
    """The app sends through a real SMTP server on loopback; returns the server (its inbox)."""
    smtp_server.configure(app)
    app.config["COMMUNITY_NAME"] = "Bank Community"
    app.config["PUBLIC_URL"] = "https://support.bank.example"
    return smtp_server
