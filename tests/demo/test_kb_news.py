"""The demo knowledge base and news, as an anonymous visitor and the smart search see them after `flask demo`."""

import pytest
from sqlalchemy import select

from app.auth import services as auth_services
from app.community.models import Topic
from app.demo import files
from app.extensions import db
from app.kb.models import Article
from tests.helpers import page

PUBLISHED_TITLES = [article.title for article in files.content().articles]
PROMOTED_TITLE = files.content().promoted["topic_title"]
DRAFT_TITLE = files.content().draft.title


@pytest.fixture
def demo(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
    return result


def _article(title: str) -> Article:
    return db.session.scalars(select(Article).where(Article.title == title)).one()


def test_the_faq_is_public_in_order_and_the_draft_is_not(demo, client):
    main = page(client.get("/kb/")).find("div", class_="kb-main")
    shown = [link.text for link in main.find_all("a")]

    assert set(PUBLISHED_TITLES) | {PROMOTED_TITLE} <= set(shown)
    cards = [article.title for article in files.content().articles if article.category == "cards"]
    assert [title for title in shown if title in cards] == cards  # FAQ order, as written
    assert DRAFT_TITLE not in client.get("/kb/").get_data(as_text=True)
    draft = _article(DRAFT_TITLE)
    assert not draft.is_published
    assert client.get(f"/kb/{draft.id}-{draft.slug}").status_code == 404
    article = _article(PUBLISHED_TITLES[0])
    assert client.get(f"/kb/{article.id}-{article.slug}").status_code == 200


def test_demo_articles_are_written_by_representatives_through_the_service(demo):
    for article in db.session.scalars(select(Article)):
        assert article.author.role == "representative"
        assert article.department_id == article.category.department_id
        assert article.revision_count == 1
    rep_marketing = auth_services.get_user_by_email("rep.marketing@demo.otklik.invalid")
    assert _article("Кешбэк: как выбрать категории и когда его начислят").author_id == rep_marketing.id


def test_the_promoted_topic_and_its_article_link_both_ways(demo, client):
    article = _article(PROMOTED_TITLE)
    topic = db.session.scalars(select(Topic).where(Topic.title == PROMOTED_TITLE)).one()
    assert article.source_topic_id == topic.id and article.is_published
    article_url, topic_url = f"/kb/{article.id}-{article.slug}", f"/t/{topic.id}-{topic.slug}"

    assert page(client.get(topic_url)).find("a", class_="kb-article-link").get("href") == article_url
    assert page(client.get(article_url)).find("a", class_="kb-source-link").get("href") == topic_url


def test_the_pinned_news_is_on_the_home_page(demo, client):
    pinned = [post.title for post in files.content().news if post.pinned]
    others = [post.title for post in files.content().news if not post.pinned]
    assert len(pinned) == 1 and len(others) >= 1

    block = page(client.get("/")).find("section", class_="pinned-news")
    assert [link.text for link in block.find_all("a") if "all-news" not in link.classes] == pinned
    news = client.get("/news/").get_data(as_text=True)
    assert all(title in news for title in pinned + others)


@pytest.mark.parametrize(
    "question, title",
    [
        ("Потеряла карту, как её заблокировать?", PUBLISHED_TITLES[0]),
        ("Какая комиссия за перевод в другой банк?", "Переводы в другие банки: сроки, комиссии и лимиты"),
    ],
)
def test_suggest_finds_a_demo_article_for_a_related_question(demo, client, question, title):
    response = client.get("/api/v1/suggest", query_string={"title": question})

    assert response.status_code == 200
    article = _article(title)
    assert {"kind": "article", "id": article.id, "title": title} in [
        {key: item[key] for key in ("kind", "id", "title")} for item in response.get_json()
    ]
    assert not any(item["title"] == DRAFT_TITLE for item in response.get_json())
