"""Verification of the signed data VK and Facebook hand to an app. Pure functions: no Flask, no database.

VK Mini Apps launch parameters: `sign` is base64url, without padding, of HMAC-SHA256(app secret, the `vk_*`
parameters sorted by name and encoded as application/x-www-form-urlencoded). Facebook `signed_request`:
"<signature>.<payload>", both base64url; the signature is HMAC-SHA256(app secret, the payload segment exactly as
received). Any failure raises SignatureError with a message fit to show; callers turn it into a 4xx.
"""

import base64
import binascii
import hashlib
import hmac
import json
import re
import time
from urllib.parse import parse_qsl, urlencode

from flask_babel import lazy_gettext as _l

MAX_INPUT = 8 * 1024  # real launch strings and signed requests are well under 2 kB
CLOCK_SKEW = 300  # seconds a timestamp may be in the future (clocks differ)
_B64URL = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")


class SignatureError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _require_secret(secret: str) -> bytes:
    if not secret:
        raise SignatureError(_l("This app is not configured: its secret key is not set."))
    return secret.encode("utf-8")


def _check_fresh(timestamp, max_age: int | None, now: float | None, missing_message, stale_message) -> None:
    if not max_age:
        return
    try:
        value = int(timestamp)
    except (TypeError, ValueError):
        raise SignatureError(missing_message) from None
    now = time.time() if now is None else now
    if value < now - max_age or value > now + CLOCK_SKEW:
        raise SignatureError(stale_message)


def vk_sign(params: dict, secret: str) -> str:
    """The `sign` VK computes for these parameters (only the `vk_*` ones count)."""
    signed = sorted((key, value) for key, value in params.items() if key.startswith("vk_"))
    digest = hmac.new(_require_secret(secret), urlencode(signed).encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def verify_vk_launch_params(query: str, secret: str, max_age: int | None, now: float | None = None) -> dict:
    """The verified `vk_*` parameters of a launch query string, or SignatureError.

    `max_age` (seconds) bounds the age of `vk_ts`; None or 0 switches the check off (for old test vectors).
    """
    key = _require_secret(secret)
    if not query or len(query) > MAX_INPUT:
        raise SignatureError(_l("Open this app from VK: the launch parameters are missing."))
    pairs = parse_qsl(query, keep_blank_values=True)
    names = [name for name, _value in pairs]
    if len(names) != len(set(names)):
        raise SignatureError(_l("The launch parameters are malformed (a parameter is repeated)."))
    params = dict(pairs)
    sign = params.get("sign", "")
    vk_params = {name: value for name, value in params.items() if name.startswith("vk_")}
    if not sign or not vk_params:
        raise SignatureError(_l("Open this app from VK: the launch parameters are not signed."))
    expected = vk_sign(vk_params, key.decode("utf-8"))
    if not hmac.compare_digest(expected.encode("ascii"), sign.encode("utf-8", "replace")):
        raise SignatureError(_l("The launch parameters' signature is wrong. Open the app from VK again."))
    _check_fresh(
        vk_params.get("vk_ts"),
        max_age,
        now,
        _l("The launch parameters have no time stamp. Open the app from VK again."),
        _l("The launch parameters are too old. Open the app from VK again."),
    )
    if not vk_params.get("vk_user_id", "").isdigit():
        raise SignatureError(_l("The launch parameters name no VK user."))
    return vk_params


def _b64url_decode(segment: str) -> bytes:
    if not segment or not _B64URL.match(segment):
        raise SignatureError(_l("The signed request is not valid base64url."))
    try:
        return base64.urlsafe_b64decode(segment.rstrip("=") + "=" * (-len(segment.rstrip("=")) % 4))
    except (binascii.Error, ValueError):
        raise SignatureError(_l("The signed request is not valid base64url.")) from None


def facebook_signed_request(payload: dict, secret: str) -> str:
    """Build a signed_request as Facebook does (base64url without padding): for tests and tools."""
    body = base64.urlsafe_b64encode(json.dumps(payload).encode("utf-8")).decode("ascii").rstrip("=")
    digest = hmac.new(_require_secret(secret), body.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=") + "." + body


def verify_facebook_signed_request(
    signed_request: str, secret: str, max_age: int | None, now: float | None = None
) -> dict:
    """The verified payload of a Facebook signed_request, or SignatureError."""
    key = _require_secret(secret)
    if not signed_request or len(signed_request) > MAX_INPUT:
        raise SignatureError(_l("The signed request is missing or too long."))
    if "." not in signed_request:
        raise SignatureError(_l("The signed request is malformed (no “.”)."))
    signature_segment, payload_segment = signed_request.split(".", 1)
    signature = _b64url_decode(signature_segment)
    payload_bytes = _b64url_decode(payload_segment)
    expected = hmac.new(key, payload_segment.encode("ascii"), hashlib.sha256).digest()
    if not hmac.compare_digest(expected, signature):
        raise SignatureError(_l("The signed request's signature is wrong."))
    try:
        payload = json.loads(payload_bytes)
    except (UnicodeDecodeError, ValueError):
        raise SignatureError(_l("The signed request's payload is not JSON.")) from None
    if not isinstance(payload, dict) or str(payload.get("algorithm", "")).upper() != "HMAC-SHA256":
        raise SignatureError(_l("The signed request's algorithm must be HMAC-SHA256."))
    _check_fresh(
        payload.get("issued_at"),
        max_age,
        now,
        _l("The signed request has no issue time."),
        _l("The signed request is too old. Reload the page on Facebook."),
    )
    return payload
