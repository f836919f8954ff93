"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, for tests that check e-mail.

    server = SmtpServer(); server.start()
    ... the app sends to 127.0.0.1:server.port ...
    server.inbox("carol@test.example")  -> [email.message.EmailMessage, ...]

`server.answer_next(n, "451 4.3.0 Try again later")` makes the next n DATA commands fail with that reply;
`server.stop()` and `server.start()` take it down and bring it back on the same port.
"""

import email
import email.policy
import threading
from dataclasses import dataclass

from aiosmtpd.controller import Controller

from tests.sockets import free_port


@dataclass
class Delivery:
    mail_from: str
    rcpt_tos: list
    message: email.message.EmailMessage
    raw: bytes


class _Handler:
    def __init__(self, server: "SmtpServer"):
        self.server = server

    async def handle_DATA(self, _server, _session, envelope):
        with self.server.lock:
            if self.server.replies:
                return self.server.replies.pop(0)
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.server.deliveries.append(
                Delivery(
                    envelope.mail_from, list(envelope.rcpt_tos), message, envelope.original_content or envelope.content
                )
            )
        return "250 2.0.0 OK"


class SmtpServer:
    host = "127.0.0.1"

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.deliveries: list[Delivery] = []
        self.replies: list[str] = []
        self.lock = threading.Lock()
        self._controller: Controller | None = None

    def start(self) -> "SmtpServer":
        if self._controller is None:
            self._controller = Controller(_Handler(self), hostname=self.host, port=self.port)
            self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def answer_next(self, count: int, reply: str) -> None:
        with self.lock:
            self.replies.extend([reply] * count)

    @property
    def messages(self) -> list:
        with self.lock:
            return [d.message for d in self.deliveries]

    def inbox(self, address: str) -> list:
        with self.lock:
            return [d.message for d in self.deliveries if address in d.rcpt_tos]

    def configure(self, app) -> None:
        """Point `app` at this server."""
        app.config.update(
            MAIL_BACKEND="smtp",
            MAIL_SERVER=self.host,
            MAIL_PORT=self.port,
            MAIL_TIMEOUT=5,
            MAIL_USE_TLS=False,
            MAIL_USE_SSL=False,
            MAIL_USERNAME="",
            MAIL_FROM="support@test.example",
        )


def text_part(message) -> str:
    return message.get_body(("plain",)).get_content()


def html_part(message) -> str:
    return message.get_body(("html",)).get_content()
