"""Meta tags, canonical links and clean URLs on the pages visitors and crawlers open."""

import pytest

from app.community import services as community_services
from app.extensions import db
from tests.helpers import page
from tests.seo.helpers import meta

OG = ("og:site_name", "og:type", "og:title", "og:description", "og:url")


@pytest.fixture
def site(make_topic, make_article, make_user, customer, community):
    topic = make_topic(
        author=customer,
        title="Как перевести деньги на карту?",
        body="Перевожу с карты на карту, а деньги не приходят. ![чек](/media/" + "b" * 32 + ".png)",
        category=community["cards"],
    )
    article = make_article(
        title="Лимиты по картам", body="Лимит на снятие — 300 000 ₽ в день.", category=community["cards"]
    )
    return {"topic": topic, "article": article, "customer": customer}


def public_urls(app, site) -> list[str]:
    topic, article = site["topic"], site["article"]
    urls = [
        "/",
        "/?type=question",
        f"/t/{topic.id}-{topic.slug}",
        f"/u/{site['customer'].id}",
        "/search?q=карта",
        "/login",
        "/register",
        "/kb/",
        f"/kb/{article.id}-{article.slug}",
    ]
    if "news.index" in app.view_functions:
        urls.append("/news/")
    return urls


def test_every_public_page_has_description_and_opengraph(app, client, site):
    for url in public_urls(app, site):
        response = client.get(url)
        assert response.status_code == 200, url
        tags = meta(response)
        assert len(tags.get("description", [])) == 1 and tags["description"][0].strip(), (url, tags)
        for key in OG:
            assert len(tags.get(key, [])) == 1 and tags[key][0].strip(), (url, key, tags)
        assert tags["og:url"][0].startswith("http://localhost/"), url
        assert tags["og:site_name"] == [app.config["COMMUNITY_NAME"]]


def test_topic_page_describes_the_topic(app, client, site):
    topic = site["topic"]
    response = client.get(f"/t/{topic.id}-{topic.slug}")
    tags = meta(response)
    url = f"http://localhost/t/{topic.id}-kak-perevesti-dengi-na-kartu"
    assert tags["og:title"] == ["Как перевести деньги на карту?"]
    assert tags["og:type"] == ["article"] and tags["og:url"] == [url]
    assert tags["description"] == ["Перевожу с карты на карту, а деньги не приходят."]
    assert tags["og:image"] == [f"http://localhost/media/{'b' * 32}.png"]
    assert page(response).find("link", rel="canonical").get("href") == url
    feeds = [link.get("href") for link in page(response).find_all("link", rel="alternate")]
    assert f"/feeds/categories/{topic.category_id}.atom" in feeds and "/feeds/topics.atom" in feeds


def test_long_descriptions_are_cut_at_a_word(app, client, make_topic, customer, community):
    topic = make_topic(author=customer, body="слово " * 100, category=community["cards"])
    description = meta(client.get(f"/t/{topic.id}-{topic.slug}"))["description"][0]
    assert len(description) <= 160 and description.endswith("слово…")


def test_article_page_describes_the_article(app, client, site):
    article = site["article"]
    tags = meta(client.get(f"/kb/{article.id}-{article.slug}"))
    assert tags["og:title"] == ["Лимиты по картам"] and tags["og:type"] == ["article"]
    assert tags["description"] == ["Лимит на снятие — 300 000 ₽ в день."]
    assert tags["og:url"] == [f"http://localhost/kb/{article.id}-limity-po-kartam"]


def test_cyrillic_and_ukrainian_titles_get_transliterated_slugs(app, client, make_topic, customer, community):
    cases = {
        "Не приходит СМС с кодом": "ne-prikhodit-sms-s-kodom",
        "Їжак і ґанок: що з карткою?": "yizhak-i-ganok-shcho-z-kartkoyu",
        "Ёлка, щётка & «ъ»": "elka-shchetka",
    }
    for title, slug in cases.items():
        topic = make_topic(author=customer, title=title, category=community["cards"])
        assert client.get(f"/t/{topic.id}-{slug}").status_code == 200, title


def test_old_slugs_and_bare_ids_redirect_permanently(app, client, auth, make_topic, customer, community):
    topic = make_topic(author=customer, title="Старый заголовок темы", category=community["cards"])
    old = f"/t/{topic.id}-staryy-zagolovok-temy"
    assert client.get(old).status_code == 200
    community_services.edit_topic(customer, topic, "Новый заголовок темы", topic.body)
    db.session.commit()
    new = f"http://localhost/t/{topic.id}-novyy-zagolovok-temy"
    for stale in (old, f"/t/{topic.id}", f"/t/{topic.id}-anything-else"):
        response = client.get(stale)
        assert response.status_code == 301, stale
        assert response.headers["Location"] in (new, new.removeprefix("http://localhost"))
    assert page(client.get(new)).find("link", rel="canonical").get("href") == new


def test_old_article_slugs_redirect(app, client, make_article, community):
    article = make_article(title="Как открыть вклад", category=community["cards"])
    response = client.get(f"/kb/{article.id}-kak-otkryt-schet")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/kb/{article.id}-kak-otkryt-vklad")
