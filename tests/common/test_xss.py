"""The XSS corpus (../shared/data/xss, or the subset in tests/data/xss) goes through the real rendering path and comes out harmless.

Topic bodies and comments are posted through POST /new and POST /t/<id>/comments (several payloads per post,
separated by blank lines), then the pages are fetched and parsed. Inside user content (`<div class="body">`)
only the sanitiser's plain formatting tags may appear; on the whole page nothing script-capable may appear
beyond the layout's own forms, meta and link tags. Titles and display names must come out as plain text.
"""

import json
import re

import pytest

from app.auth import services as auth_services
from app.community import services
from app.extensions import db
from tests.corpora import HOW_TO_GET, XSS_PAYLOADS
from tests.helpers import page, parse

CORPUS = XSS_PAYLOADS

# What Markdown and the sanitiser may produce in user content.
CONTENT_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
}
CONTENT_ATTRIBUTES = {"href", "title", "rel", "src", "alt", "align"}
SCRIPT_CAPABLE = {
    "script",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "svg",
    "math",
    "style",
    "link",
    "meta",
    "form",
    "base",
    "template",
    "portal",
}
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "background",
    "poster",
    "srcset",
    "ping",
    "lowsrc",
    "dynsrc",
    "codebase",
}
BAD_SCHEMES = {"javascript", "vbscript", "data"}
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]+")  # browsers drop these before reading the scheme
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")


def _payloads() -> list[str]:
    if not CORPUS.is_file():
        pytest.skip(f"the XSS corpus is not there: {CORPUS} ({HOW_TO_GET})")
    return [line for line in CORPUS.read_text(encoding="utf-8").split("\n") if line.strip()]


def _batches(items: list[str], max_chars: int = 12000, max_items: int = 40) -> list[list[str]]:
    batches, current = [], []
    for item in items:
        if current and (len(current) >= max_items or sum(map(len, current)) + len(item) > max_chars):
            batches.append(current)
            current = []
        current.append(item)
    return batches + [current] if current else batches


def _scheme(value: str) -> str | None:
    match = _SCHEME.match(_IGNORED_IN_URLS.sub("", value).lower())
    return match.group(1) if match else None


def _content_problems(node) -> list[str]:
    """Anything but plain formatting inside user content."""
    problems = []
    for element in list(node.iter())[1:]:
        if element.tag not in CONTENT_TAGS:
            problems.append(f"<{element.tag}>")
        for name, value in element.attrs:
            if name not in CONTENT_ATTRIBUTES:
                problems.append(f"<{element.tag} {name}=...>")
            elif name in URL_ATTRIBUTES and value and _scheme(value) not in (None, "http", "https", "mailto"):
                problems.append(f"<{element.tag} {name}={value!r}>")
    return problems


def _layout_allows(element) -> bool:
    """The page's own script-capable markup: forms posting to this site, its meta and link tags."""
    attrs = dict(element.attrs)
    if element.tag == "form":
        action = attrs.get("action") or ""
        return action == "" or (action.startswith("/") and not action.startswith("//"))
    if element.tag == "meta":
        return (
            "charset" in attrs
            or attrs.get("name")
            in {"csrf-token", "viewport", "description", "robots", "twitter:card", "application-name", "theme-color"}
            or (attrs.get("property") or "").startswith("og:")
        )
    if element.tag == "link":
        if attrs.get("rel") == "alternate":  # feed autodiscovery: only feeds of this site
            href = attrs.get("href") or ""
            return href.startswith("/feeds/") and attrs.get("type") in {"application/atom+xml", "application/rss+xml"}
        if attrs.get("rel") == "apple-touch-icon":  # the brand's icon: only from this site
            href = attrs.get("href") or ""
            return href.startswith("/") and not href.startswith("//")
        return attrs.get("rel") in {"stylesheet", "canonical", "icon"}
    if element.tag == "script":
        if attrs.get("type") in {"application/json", "application/ld+json"} and not attrs.get("src"):
            return _is_json(element.text)  # data islands (JSON-LD): inert, and user text must not break out
        return (attrs.get("src") or "").startswith("/static/") and not element.text
    return False


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _handlers(root) -> set[tuple]:
    return {
        (element.tag, name, value) for element in root.iter() for name, value in element.attrs if name.startswith("on")
    }


def _page_problems(root, layout_handlers=frozenset()) -> list[str]:
    """Script-capable markup anywhere on the page, except the layout's own (its event handlers are the ones
    the same page has without user content)."""
    problems = []
    for element in root.iter():
        if element.tag in SCRIPT_CAPABLE and not _layout_allows(element):
            problems.append(f"<{element.tag} {element.attrs}>")
        for name, value in element.attrs:
            if (
                (name.startswith("on") and (element.tag, name, value) not in layout_handlers)
                or name == "style"
                or name in URL_ATTRIBUTES
                and value
                and _scheme(value) in BAD_SCHEMES
            ):
                problems.append(f"<{element.tag} {name}={value!r}>")
    return problems


def _check_page(response, layout_handlers=frozenset()) -> int:
    """Assert the page is harmless; return how many user-content regions it has."""
    assert response.status_code == 200
    root = page(response)
    regions = root.find_all("div", class_="body")
    problems = [problem for region in regions for problem in _content_problems(region)]
    problems += _page_problems(root, layout_handlers)
    assert not problems, f"{response.request.path}: {sorted(set(problems))[:20]}"
    return len(regions)


def test_the_corpus_itself_is_caught_by_the_checks():
    """The checks above are not blind: raw payloads placed in a page are reported."""
    payloads = _payloads()
    caught = 0
    for payload in payloads[:300]:
        root = parse(f'<html><body><div class="body">{payload}</div></body></html>')
        region = root.find("div", class_="body")
        caught += bool(_content_problems(region) or _page_problems(root))
    assert caught > 250


def _post_topic_and_comment(client, community, title: str, body: str, comment: str) -> str:
    response = client.post(
        "/new",
        {
            "type": "question",
            "mood": "upset",
            "category_id": str(community["cards"].id),
            "title": title,
            "body": body,
            "confirmed": "1",
        },
    )
    assert response.status_code == 302, (title, response.status_code)
    url = response.headers["Location"]
    topic_id = int(url.split("/")[2].split("-")[0])
    answer = client.post(f"/t/{topic_id}/comments", {"body": comment})
    assert answer.status_code == 302, (title, answer.status_code)
    return url


def test_bodies_and_comments_render_harmlessly(client, auth, customer, community):
    payloads = _payloads()
    auth.login()
    plain = _post_topic_and_comment(client, community, "A plain topic", "Plain *text*.", "A plain answer.")
    layout = _handlers(page(client.get(plain)))
    topic_urls = []
    for number, batch in enumerate(_batches(payloads)):
        title = " ".join(f"XSS {number} {batch[0]}".split())[:200]
        url = _post_topic_and_comment(client, community, title, "\n\n".join(batch), "\n\n".join(reversed(batch)))

        topic_page = client.get(url)
        assert _check_page(topic_page, layout) == 2
        assert page(topic_page).find("h1").text == " ".join(title.split())
        topic_urls.append(url)

    assert len(topic_urls) == len(_batches(payloads))
    for number in range(1, len(topic_urls) // 20 + 2):
        _check_page(client.get(f"/?page={number}"))
        _check_page(client.get(f"/u/{customer.id}?page={number}"))
        assert _check_page(client.get(f"/u/{customer.id}?tab=comments&page={number}")) > 0


def test_display_names_render_as_text(client, client_as, make_topic, customer, community):
    """Names are escaped by the templates, not sanitised: every eighth payload (cut to 80 characters) is plenty."""
    payloads = _payloads()
    topic = make_topic(category=community["cards"])
    names = {}
    for number, payload in enumerate(payloads[::8]):
        name = payload.strip()[:80].strip()
        if len(name) < 2:
            continue
        author = auth_services.create_user_without_password(f"xss{number}@test.example", name)
        names[services.post_comment(author, topic, "Hello").id] = " ".join(author.display_name.split())
    db.session.commit()

    response = client.get(f"/t/{topic.id}-{topic.slug}")

    _check_page(response)
    root = page(response)
    shown = {
        int(box.get("id")[1:]): box.find("header").find("a").text for box in root.find_all("article", class_="comment")
    }
    assert shown == names

    # And through the settings form: the name is stored as typed and shown as text.
    name = next(p for p in payloads if "<script" in p.lower() and len(p) <= 80)
    settings = client_as(customer).post("/settings", {"display_name": name, "locale": ""})
    assert settings.status_code == 302
    profile = client.get(f"/u/{customer.id}")
    _check_page(profile)
    assert page(profile).find("h1").text == " ".join(name.split())
