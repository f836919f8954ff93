"""How a message leaves: the Mailer interface, SMTP, and the local outbox (nothing leaves; /admin/outbox).

A mailer raises:
- `ConnectionFailure` when it cannot talk to the server at all (down, timeout, TLS or login failed): the
  message is retried later and the batch stops, so a dead server costs one attempt per run, not one per message;
- `TemporaryFailure` for a 4xx answer about this message: retried later with backoff;
- `PermanentFailure` for a 5xx answer: the message is marked failed (kept, can be queued again).
"""

import smtplib
import ssl
from email.message import EmailMessage

from flask import current_app


class MailError(Exception):
    pass


class ConnectionFailure(MailError):
    pass


class TemporaryFailure(MailError):
    pass


class PermanentFailure(MailError):
    pass


class Mailer:
    name = "mailer"

    def send(self, message: EmailMessage, sender: str, recipient: str) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass


class OutboxMailer(Mailer):
    """Development: messages are kept in the database as sent to the outbox; admins read them at /admin/outbox."""

    name = "outbox"

    def send(self, message: EmailMessage, sender: str, recipient: str) -> None:
        return None


class SmtpMailer(Mailer):
    name = "smtp"

    def __init__(
        self,
        host: str,
        port: int,
        username: str = "",
        password: str = "",
        use_tls: bool = False,
        use_ssl: bool = False,
        timeout: float = 10.0,
    ):
        self.host, self.port = host, port
        self.username, self.password = username, password
        self.use_tls, self.use_ssl, self.timeout = use_tls, use_ssl, timeout
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        try:
            if self.use_ssl:
                smtp = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            try:
                smtp.ehlo()
                if self.use_tls:
                    smtp.starttls(context=ssl.create_default_context())
                    smtp.ehlo()
                if self.username:
                    smtp.login(self.username, self.password)
            except BaseException:
                smtp.close()
                raise
        except (OSError, smtplib.SMTPException) as error:
            raise ConnectionFailure(f"cannot connect to {self.host}:{self.port}: {error!r}") from error
        self._smtp = smtp
        return smtp

    def send(self, message: EmailMessage, sender: str, recipient: str) -> None:
        smtp = self._connect()
        try:
            refused = smtp.send_message(message, from_addr=sender, to_addrs=[recipient])
        except smtplib.SMTPRecipientsRefused as error:
            self._reset()
            codes = [code for code, _ in error.recipients.values()]
            if codes and all(code >= 500 for code in codes):
                raise PermanentFailure(f"recipient refused: {error.recipients!r}") from error
            raise TemporaryFailure(f"recipient refused for now: {error.recipients!r}") from error
        except smtplib.SMTPServerDisconnected as error:
            self.close()
            raise ConnectionFailure(f"server disconnected: {error!r}") from error
        except smtplib.SMTPResponseException as error:
            self._reset()
            text = f"{error.smtp_code} {error.smtp_error!r}"
            if error.smtp_code >= 500:
                raise PermanentFailure(text) from error
            raise TemporaryFailure(text) from error
        except (OSError, smtplib.SMTPException) as error:
            self.close()
            raise ConnectionFailure(repr(error)) from error
        if refused:  # only possible with several recipients; we send one per message
            raise TemporaryFailure(f"refused: {refused!r}")

    def _reset(self) -> None:
        """After a refused message the session may be mid-transaction: start clean (or reconnect next time)."""
        try:
            self._smtp.rset()
        except (OSError, smtplib.SMTPException, AttributeError):
            self.close()

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


def get_mailer() -> Mailer:
    config = current_app.config
    backend = config.get("MAIL_BACKEND", "outbox")
    if backend == "outbox":
        return OutboxMailer()
    if backend == "smtp":
        return SmtpMailer(
            config["MAIL_SERVER"],
            int(config["MAIL_PORT"]),
            config.get("MAIL_USERNAME", ""),
            config.get("MAIL_PASSWORD", ""),
            bool(config.get("MAIL_USE_TLS")),
            bool(config.get("MAIL_USE_SSL")),
            float(config.get("MAIL_TIMEOUT", 10)),
        )
    raise RuntimeError(f"MAIL_BACKEND must be 'smtp' or 'outbox', not {backend!r}")
