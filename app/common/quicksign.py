"""Signing a small value the way an itsdangerous `URLSafeTimedSerializer` does, at a fraction of the cost: for
the page cache's fast path (app/common/fastpath.py), which signs a new session cookie and a CSRF token for
nearly every anonymous page it serves.

`serializer.dumps(obj)` derives the key, tries to zlib-compress the JSON (zlib's set-up alone costs about as
much as a whole "hello" request) and builds a signer on every call. Here the key is derived once and the
compression is skipped for short payloads. `serializer.loads` (Flask's session, Flask-WTF's `validate_csrf`)
reads both forms, and itsdangerous keeps the compressed form only when it is shorter, which it is not for the
fast path's payloads (a random 40-hex-digit token, alone or in `{"csrf_token": ...}`: checked on 400,000
tokens), so the result is the string `serializer.dumps` gives. Longer payloads go through `serializer.dumps`.
"""

import hmac
import time
from base64 import urlsafe_b64encode

from itsdangerous import Serializer
from itsdangerous.encoding import int_to_bytes, want_bytes

SHORT = 64  # bytes of JSON: longer payloads are signed by itsdangerous itself (with its compression attempt)


class QuickDumps:
    """`dumps(obj)` equal to `serializer.dumps(obj)` (an itsdangerous URLSafeTimedSerializer, newest key)."""

    def __init__(self, serializer):
        signer = serializer.make_signer()
        self.serializer = serializer
        self.key = signer.derive_key()
        self.digest = signer.algorithm.digest_method().name  # a name: hmac.digest's one-shot C path
        self.sep = want_bytes(signer.sep)
        self._stamp = (0, b"")

    def _timestamp(self) -> bytes:
        now = int(time.time())
        if self._stamp[0] != now:
            self._stamp = (now, _b64(int_to_bytes(now)))
        return self._stamp[1]

    def dumps(self, obj, raw: bytes | None = None) -> str:
        """`raw`, when given, is the JSON the serializer writes for `obj` (Flask's tagged JSON of a dict of
        strings is plain compact JSON)."""
        if raw is None:
            raw = Serializer.dump_payload(self.serializer, obj)  # the JSON, without the URL-safe mixin's zlib
        if len(raw) > SHORT:
            return self.serializer.dumps(obj)
        value = _b64(raw) + self.sep + self._timestamp()
        return (value + self.sep + _b64(hmac.digest(self.key, value, self.digest))).decode("ascii")


def _b64(data: bytes) -> bytes:
    return urlsafe_b64encode(data).rstrip(b"=")  # itsdangerous' base64_encode
