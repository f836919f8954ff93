"""A small asyncio HTTP/1.1 client for the load benchmark: one connection per request, a cookie jar per
customer, loopback only. Small enough to leave the CPU to the server on a 2-core machine."""

from __future__ import annotations

import asyncio
import re
import time
from urllib.parse import urlencode

_META_CSRF = re.compile(rb'<meta name="csrf-token" content="([^"]+)"')


class Response:
    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes, seconds: float):
        self.status, self.headers, self.body, self.seconds = status, headers, body, seconds

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k == name), None)

    def csrf_token(self) -> str | None:
        found = _META_CSRF.search(self.body)
        return found.group(1).decode() if found else None


class Browser:
    """One customer's browser: cookies kept between requests, redirects not followed."""

    def __init__(self, port: int, host: str = "127.0.0.1", timeout: float = 30.0):
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the load client only talks to this machine")
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies: dict[str, str] = {}

    async def get(self, path: str) -> Response:
        return await self.request("GET", path)

    async def post(self, path: str, form: dict) -> Response:
        return await self.request("POST", path, urlencode(form).encode())

    async def request(self, method: str, path: str, body: bytes = b"") -> Response:
        started = time.perf_counter()
        reader, writer = await asyncio.wait_for(asyncio.open_connection(self.host, self.port), self.timeout)
        try:
            head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Connection: close"]
            head.append("Accept-Language: ru")
            if self.cookies:
                head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
            if method == "POST":
                head += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
            raw = await asyncio.wait_for(reader.read(-1), self.timeout)
        finally:
            writer.close()
        seconds = time.perf_counter() - started
        head_raw, _, payload = raw.partition(b"\r\n\r\n")
        lines = head_raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1]) if lines and len(lines[0].split()) > 1 else 0
        headers = []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers.append((name.strip().lower(), value.strip()))
            if name.strip().lower() == "set-cookie":
                self._remember(value.strip())
        return Response(status, headers, payload, seconds)

    def _remember(self, set_cookie: str) -> None:
        pair = set_cookie.split(";", 1)[0]
        name, _, value = pair.partition("=")
        if "max-age=0" in set_cookie.lower() or "expires=thu, 01 jan 1970" in set_cookie.lower():
            self.cookies.pop(name.strip(), None)
        else:
            self.cookies[name.strip()] = value.strip()
