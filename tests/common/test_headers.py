"""Security headers on every response (pages, JSON, errors, static files, 429s) and templates the CSP can keep."""

import re
from pathlib import Path

import pytest

from app.common.framing import allow_framing_by

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
DATA_BLOCK = 'type="application/'  # <script type="application/json"> and ld+json: data the browser never runs
NONCE_RE = re.compile(r"script-src 'self' 'nonce-([A-Za-z0-9_-]{20,})'")


def _csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in policy.split("; ")}


def _assert_hardened(response):
    headers = response.headers
    csp = _csp(response)
    assert NONCE_RE.fullmatch("script-src " + csp["script-src"]), csp
    assert csp["default-src"] == "'self'" and csp["style-src"] == csp["script-src"]  # 'self' and the nonce
    assert csp["object-src"] == "'none'" and csp["base-uri"] == "'self'" and csp["frame-ancestors"] == "'self'"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in headers["Permissions-Policy"] and "geolocation=()" in headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in headers  # plain HTTP


def test_every_kind_of_response_is_hardened(app, client, make_topic):
    topic = make_topic()
    event = client.post_raw("/api/v1/events", json={"event": "nope"}, headers={"X-CSRFToken": client.csrf_token()})
    responses = {
        "page": client.get("/"),
        "topic": client.get(f"/t/{topic.id}", follow_redirects=True),
        "json": client.get("/api/v1/suggest?title=card"),
        "json error": event,
        "404": client.get("/no/such/page"),
        "400": client.get("/search?q=\x00"),
        "csrf 400": client.post_raw("/login", data={"email": "a@b.c"}),
        "static": client.get("/static/js/ask.js"),
        "405": client.post_raw("/kb/search"),
    }
    assert responses["json error"].status_code == 400 and responses["static"].status_code == 200
    for name, response in responses.items():
        try:
            _assert_hardened(response)
        except (AssertionError, KeyError) as error:
            raise AssertionError(f"{name}: {error!r} {dict(response.headers)}") from error
        finally:
            response.close()  # the static file is streamed


def test_the_nonce_is_fresh_per_request_and_on_every_script(client, make_topic):
    topic = make_topic()
    first = client.get(f"/t/{topic.id}", follow_redirects=True)
    second = client.get(f"/t/{topic.id}", follow_redirects=True)
    nonce = NONCE_RE.search(first.headers["Content-Security-Policy"])[1]
    assert nonce != NONCE_RE.search(second.headers["Content-Security-Policy"])[1]

    scripts = re.findall(r"<script[^>]*>", first.get_data(as_text=True))
    runnable = [tag for tag in scripts if DATA_BLOCK not in tag]
    assert any("application/ld+json" in tag for tag in scripts)  # a data block: never run, so not a CSP matter
    assert runnable and all(f'nonce="{nonce}"' in tag for tag in runnable), runnable


def test_a_view_that_names_its_framers_gets_exactly_those(app, client):
    @app.route("/_test/framed")
    def framed():
        allow_framing_by(["https://www.bank.example", "https://vk.com"])
        return "framed"

    response = client.get("/_test/framed")

    assert _csp(response)["frame-ancestors"] == "https://www.bank.example https://vk.com"
    assert "X-Frame-Options" not in response.headers


def test_hsts_over_https_or_with_an_https_public_url(app, client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    assert (
        client.get("/", base_url="https://localhost").headers["Strict-Transport-Security"]
        == "max-age=31536000; includeSubDomains"
    )
    app.config["PUBLIC_URL"] = "https://community.bank.example"
    assert "max-age=31536000" in client.get("/").headers["Strict-Transport-Security"]
    app.config["HSTS_MAX_AGE"] = 0
    assert "Strict-Transport-Security" not in client.get("/", base_url="https://localhost").headers


def test_a_view_with_its_own_policy_keeps_it(client_as, make_upload, customer):
    upload = make_upload(owner=customer)
    response = client_as(customer).get(f"/media/{upload.name}")
    response.close()
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def _site_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        if "email" not in path.relative_to(TEMPLATES).parts:  # e-mails are not served under the site's CSP
            yield path


@pytest.mark.parametrize(
    "pattern, what",
    [
        (r"\son[a-z]+\s*=", "an inline event handler"),
        (r"\sstyle\s*=", "an inline style attribute"),
        (r"<script(?![^>]*\bnonce=)(?! type=\"application/(ld\+)?json\")", "a script without the request's nonce"),
        (r"javascript:", "a javascript: URL"),
    ],
)
def test_templates_keep_to_the_policy(pattern, what):
    offenders = [
        f"{path.relative_to(TEMPLATES)}:{n}"
        for path in _site_templates()
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(pattern, line)
    ]
    assert offenders == [], f"{what} in {offenders}"
