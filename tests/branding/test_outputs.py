"""The saved brand outside the pages: e-mails (sender display name, community name, colour), feeds and the
JSON-LD publisher."""

import json
from email.utils import parseaddr

import lxml.html
from lxml import etree

from tests.notify.conftest import mail, smtp_server  # noqa: F401  (the real SMTP server fixtures)

ATOM = "{http://www.w3.org/2005/Atom}"


def test_emails_use_the_sender_name_and_the_brand(
    mail,
    save_brand,
    client_as,
    community,
    customer,
    make_topic,
):
    save_brand()
    topic = make_topic(author=customer, category=community["cards"])
    response = client_as(community["rep_private"]).post(f"/t/{topic.id}/comments", {"body": "Try again now."})
    assert response.status_code == 302
    [message] = mail.inbox("customer@test.example")
    assert parseaddr(message["From"])[0] == "Zenit Bank Support"
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert "Zenit Bank Community" in html and "Zenit Bank Community" in text
    assert "background:#0b4f8a" in html


def test_without_a_sender_name_emails_come_from_the_community_name(
    mail,
    save_brand,
    client_as,
    community,
    customer,
    make_topic,
):
    save_brand(email_sender_name="")
    topic = make_topic(author=customer, category=community["cards"])
    client_as(community["rep_private"]).post(f"/t/{topic.id}/comments", {"body": "Try again now."})
    [message] = mail.inbox("customer@test.example")
    assert parseaddr(message["From"])[0] == "Zenit Bank Community"


def test_feeds_carry_the_brand_name(client, save_brand, make_article, community):
    save_brand()
    make_article(title="How to block a card", category=community["cards"])
    topics = etree.fromstring(client.get("/feeds/topics.atom?lang=en").data)
    assert topics.findtext(f"{ATOM}title") == "Zenit Bank Community: new topics"
    kb = etree.fromstring(client.get("/feeds/kb.atom?lang=en").data)
    assert kb.findtext(f"{ATOM}title") == "Zenit Bank Community: knowledge base updates"
    assert kb.findtext(f"{ATOM}entry/{ATOM}author/{ATOM}name") == "Zenit Bank Community"


def test_json_ld_publisher_is_the_brand_with_its_logo(client, save_brand, make_article, community):
    article = make_article(title="How to block a card", category=community["cards"])
    page = lxml.html.fromstring(client.get(f"/kb/{article.id}-{article.slug}?lang=en").get_data(as_text=True))
    [data] = [json.loads(s.text) for s in page.xpath("//script[@type='application/ld+json']")]
    assert data["publisher"]["name"] == "Otklik"
    assert data["publisher"]["logo"]["url"] == "http://localhost/apple-touch-icon.png"  # the default icon

    save_brand()
    page = lxml.html.fromstring(client.get(f"/kb/{article.id}-{article.slug}?lang=en").get_data(as_text=True))
    [data] = [json.loads(s.text) for s in page.xpath("//script[@type='application/ld+json']")]
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "Zenit Bank Community",
        "url": "http://localhost/",
        "logo": {"@type": "ImageObject", "url": "http://localhost/apple-touch-icon.png"},
    }
