"""A stand-in for the X API on 127.0.0.1: it answers recent searches with recorded responses (tests/social/data)
and remembers what it was asked. No test reaches the network."""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

DATA = Path(__file__).parent / "data"
TOKEN = "test-bearer-token"


def recorded(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@dataclass
class FakeX:
    base_url: str = ""
    # next_token (None for the first page) -> recorded response
    pages: dict = field(
        default_factory=lambda: {
            None: recorded("x_search_page1.json"),
            "b26v89c19zqg8o3fr5qvm7mqfq9ga5dkddbuovh5bpvx9": recorded("x_search_page2.json"),
        }
    )
    status: int = 200  # answer every request with this status (and an X-style problem body)
    delay: float = 0.0  # seconds to wait before answering
    redirect_to: str | None = None
    requests: list = field(default_factory=list)  # (path, query dict, headers dict)

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        self.requests.append((parts.path, query, dict(handler.headers)))
        if self.delay:
            time.sleep(self.delay)
        if self.redirect_to:
            handler.send_response(302)
            handler.send_header("Location", self.redirect_to)
            handler.end_headers()
            return
        if handler.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self._send(
                handler, 401, {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}
            )
        if self.status != 200:
            headers = {"x-rate-limit-reset": "1715700000"} if self.status == 429 else {}
            return self._send(
                handler,
                self.status,
                {
                    "title": "Too Many Requests",
                    "detail": "Too Many Requests",
                    "type": "about:blank",
                    "status": self.status,
                },
                headers,
            )
        if parts.path != "/2/tweets/search/recent":
            return self._send(handler, 404, {"title": "Not Found"})
        page = self.pages.get(query.get("next_token"))
        if page is None:
            return self._send(handler, 400, {"title": "Invalid Request", "detail": "bad next_token"})
        self._send(handler, 200, page)

    @staticmethod
    def _send(handler, status: int, body: dict, headers: dict | None = None) -> None:
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(data)


@pytest.fixture
def fake_x(app):
    fake = FakeX()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            fake.handle(self)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    app.config.update(
        X_API_BASE_URL=fake.base_url, X_BEARER_TOKEN=TOKEN, X_QUERY="@examplebank -is:retweet", X_API_TIMEOUT=2.0
    )
    yield fake
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
