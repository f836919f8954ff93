"""Reading what search engines read: sitemaps (validated with the vendored XSD), feeds, JSON-LD, meta tags."""

import json
from pathlib import Path

from lxml import etree

from tests.helpers import page

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NS = {"sm": SITEMAP_NS, "atom": "http://www.w3.org/2005/Atom"}
_SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).with_name("sitemap.xsd"))))


def valid_sitemap(response) -> etree._Element:
    """Parse a sitemap response and validate it against the sitemap protocol's schema."""
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/xml"
    document = etree.fromstring(response.data)
    if not _SCHEMA.validate(document):
        raise AssertionError(f"invalid sitemap: {_SCHEMA.error_log}")
    return document


def locs(document) -> list[str]:
    return document.xpath("//sm:loc/text()", namespaces=NS)


def lastmods(document) -> dict[str, str]:
    return {node.findtext(f"{{{SITEMAP_NS}}}loc"): node.findtext(f"{{{SITEMAP_NS}}}lastmod") for node in document}


def json_ld(response) -> list[dict]:
    """Every JSON-LD block of a page, parsed as a search engine would (json.loads of the script text)."""
    return [json.loads(script.text) for script in page(response).find_all("script", type="application/ld+json")]


def meta(response) -> dict[str, list[str]]:
    """{name or property: [content, ...]} of the page's <meta> tags."""
    found: dict[str, list[str]] = {}
    for node in page(response).find_all("meta"):
        key = node.get("property") or node.get("name")
        if key:
            found.setdefault(key, []).append(node.get("content"))
    return found
