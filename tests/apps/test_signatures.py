"""VK launch parameters and Facebook signed_request: the public vectors, and vectors made here."""

import base64
import hashlib
import hmac
import json
from urllib.parse import urlencode

import pytest

from app.apps.signatures import (
    SignatureError,
    facebook_signed_request,
    verify_facebook_signed_request,
    verify_vk_launch_params,
    vk_sign,
)
from tests.apps.vectors import facebook_vectors, vk_vectors

NOW = 1_700_000_000


def test_public_vk_vectors():
    vectors = vk_vectors()
    assert len(vectors) == 4 and [valid for _q, _s, valid in vectors] == [True, True, True, False]
    for query, secret, valid in vectors:
        if valid:
            params = verify_vk_launch_params(query, secret, max_age=None)
            assert params["vk_user_id"].isdigit()
        else:
            with pytest.raises(SignatureError, match="signature is wrong"):
                verify_vk_launch_params(query, secret, max_age=None)


def test_public_vk_vector_with_old_timestamp_is_stale_when_freshness_is_on():
    query, secret, _valid = vk_vectors()[2]
    assert "vk_ts=1607004912" in query
    with pytest.raises(SignatureError, match="too old"):
        verify_vk_launch_params(query, secret, max_age=3600)
    assert verify_vk_launch_params(query, secret, max_age=3600, now=1607004912 + 60)["vk_user_id"] == "19039187"


def test_public_vk_vector_with_another_secret_or_empty_secret_fails():
    query, _secret, _valid = vk_vectors()[0]
    with pytest.raises(SignatureError, match="signature is wrong"):
        verify_vk_launch_params(query, "another-secret", max_age=None)
    with pytest.raises(SignatureError, match="secret key is not set"):
        verify_vk_launch_params(query, "", max_age=None)


def _vk_query(secret="s3cret", user_id="42", ts=NOW, **extra):
    params = {"vk_user_id": user_id, "vk_app_id": "1", "vk_ts": str(ts), "vk_platform": "desktop_web", **extra}
    return urlencode({**params, "sign": vk_sign(params, secret), "utm_source": "not-signed"})


def test_made_vk_vector_verifies_and_only_vk_params_are_trusted():
    params = verify_vk_launch_params(_vk_query(vk_ref="other"), "s3cret", max_age=3600, now=NOW + 10)
    assert params["vk_user_id"] == "42" and "utm_source" not in params and "sign" not in params


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda q: q.replace("vk_user_id=42", "vk_user_id=43"), "signature is wrong"),
        (lambda q: q.replace("sign=", "sign=x"), "signature is wrong"),
        (lambda q: q.split("&sign=")[0] + "&utm=1", "not signed"),
        (lambda q: q + "&sign=again", "repeated"),
        (lambda q: q + "&vk_extra=1", "signature is wrong"),
        (lambda q: "", "missing"),
        (lambda q: q[:20], "not signed"),
        (lambda q: "x" * 100_000, "missing"),
    ],
)
def test_tampered_vk_launches_are_refused(mutate, message):
    with pytest.raises(SignatureError, match=message):
        verify_vk_launch_params(mutate(_vk_query()), "s3cret", max_age=3600, now=NOW)


def test_vk_freshness_stale_future_and_missing_timestamp():
    with pytest.raises(SignatureError, match="too old"):
        verify_vk_launch_params(_vk_query(ts=NOW - 3601), "s3cret", max_age=3600, now=NOW)
    with pytest.raises(SignatureError, match="too old"):
        verify_vk_launch_params(_vk_query(ts=NOW + 3600), "s3cret", max_age=3600, now=NOW)
    params = {"vk_user_id": "42", "vk_app_id": "1"}
    no_ts = urlencode({**params, "sign": vk_sign(params, "s3cret")})
    with pytest.raises(SignatureError, match="no time stamp"):
        verify_vk_launch_params(no_ts, "s3cret", max_age=3600, now=NOW)


def test_vk_launch_without_user_is_refused():
    params = {"vk_app_id": "1", "vk_ts": str(NOW)}
    query = urlencode({**params, "sign": vk_sign(params, "s3cret")})
    with pytest.raises(SignatureError, match="no VK user"):
        verify_vk_launch_params(query, "s3cret", max_age=3600, now=NOW)


def test_public_facebook_vector():
    ((signed, secret, valid),) = facebook_vectors()
    assert valid
    payload = verify_facebook_signed_request(signed, secret, max_age=None)
    assert payload["user_id"] == 123 and payload["algorithm"] == "HMAC-SHA256"
    with pytest.raises(SignatureError, match="too old"):
        verify_facebook_signed_request(signed, secret, max_age=3600)
    assert verify_facebook_signed_request(signed, secret, max_age=3600, now=321 + 5)["code"] == "foo_code"


def test_public_facebook_vector_hashes_the_payload_exactly_as_received():
    ((signed, secret, _valid),) = facebook_vectors()
    assert signed.endswith("=")
    with pytest.raises(SignatureError, match="signature is wrong"):
        verify_facebook_signed_request(signed.rstrip("="), secret, max_age=None)
    with pytest.raises(SignatureError, match="signature is wrong"):
        verify_facebook_signed_request(signed, "wrong_secret", max_age=None)
    with pytest.raises(SignatureError, match="secret key is not set"):
        verify_facebook_signed_request(signed, "", max_age=None)


def _fb(payload, secret="fb-secret"):
    return facebook_signed_request(payload, secret)


def _signed_with_raw_payload(raw: bytes, secret="fb-secret") -> str:
    body = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    sig = base64.urlsafe_b64encode(hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()).decode()
    return sig.rstrip("=") + "." + body


def test_made_facebook_vector_verifies_any_case_algorithm():
    signed = _fb({"algorithm": "hmac-sha256", "issued_at": NOW, "user_id": "77"})
    assert verify_facebook_signed_request(signed, "fb-secret", max_age=3600, now=NOW)["user_id"] == "77"


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda s: s[:-2] + ("A" if s[-2] != "A" else "B") + s[-1], "signature is wrong"),
        (lambda s: ("A" if s[0] != "A" else "B") + s[1:], "signature is wrong"),
        (lambda s: s.replace(".", ""), "no “.”"),
        (lambda s: s.split(".")[0] + ".", "base64url"),
        (lambda s: "!!!." + s.split(".")[1], "base64url"),
        (lambda s: s.split(".")[0] + ".eyJ@@", "base64url"),
        (lambda s: "", "missing"),
        (lambda s: "A" * 1_000_000 + "." + s, "too long"),
        (lambda s: s[: len(s) // 2], "signature is wrong|base64url"),
    ],
)
def test_tampered_facebook_requests_are_refused(make, message):
    signed = _fb({"algorithm": "HMAC-SHA256", "issued_at": NOW, "user_id": "77"})
    with pytest.raises(SignatureError, match=message):
        verify_facebook_signed_request(make(signed), "fb-secret", max_age=3600, now=NOW)


@pytest.mark.parametrize("algorithm", ["none", "HMAC-SHA1", "", None])
def test_wrong_algorithm_is_refused_even_when_signed(algorithm):
    signed = _fb({"algorithm": algorithm, "issued_at": NOW, "user_id": "77"})
    with pytest.raises(SignatureError, match="must be HMAC-SHA256"):
        verify_facebook_signed_request(signed, "fb-secret", max_age=3600, now=NOW)


def test_signed_non_json_or_non_object_payload_is_refused():
    with pytest.raises(SignatureError, match="not JSON"):
        verify_facebook_signed_request(_signed_with_raw_payload(b"\xff\xfe not json"), "fb-secret", 3600, NOW)
    with pytest.raises(SignatureError, match="must be HMAC-SHA256"):
        verify_facebook_signed_request(_signed_with_raw_payload(json.dumps([1]).encode()), "fb-secret", 3600, NOW)


def test_facebook_freshness():
    for issued_at, ok in ((NOW - 3599, True), (NOW - 3601, False), (NOW + 4000, False), ("soon", False), (None, False)):
        signed = _fb({"algorithm": "HMAC-SHA256", "issued_at": issued_at, "user_id": "77"})
        if ok:
            assert verify_facebook_signed_request(signed, "fb-secret", max_age=3600, now=NOW)
        else:
            with pytest.raises(SignatureError):
                verify_facebook_signed_request(signed, "fb-secret", max_age=3600, now=NOW)
