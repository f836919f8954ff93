"""Smart search includes published articles (kind "article"), first when equally relevant; drafts never appear."""

from sqlalchemy import select

from app.community import services as community_services
from app.extensions import db
from app.kb import services
from app.kb.models import Article
from app.search.backends import get_backend
from tests.helpers import page

TITLE = "Как увеличить лимит по карте"
BODY = "Лимит по карте меняется в приложении: Карты, затем Лимиты."


def suggest(client, title, body=""):
    response = client.get("/api/v1/suggest", query_string={"title": title, "body": body})
    assert response.status_code == 200
    return response.get_json()


def keys(items) -> list[tuple[str, int]]:
    return [(item["kind"], item["id"]) for item in items]


def test_drafts_never_appear_and_publishing_makes_them_findable(client_as, make_article, customer, community):
    rep = client_as(community["rep_private"])
    reader = client_as(customer)
    rep.post(
        "/kb/new",
        {"title": TITLE, "body": BODY, "category_id": str(community["cards"].id), "department_id": "0", "save": "1"},
    )
    article = db.session.scalars(select(Article)).one()

    for who in (reader, rep):  # not even staff: a draft is not in the index at all
        assert ("article", article.id) not in keys(suggest(who, "лимит по карте"))
        assert f"/kb/{article.id}-" not in who.get("/search", query_string={"q": "лимит карта"}).get_data(as_text=True)
        assert f"/kb/{article.id}-" not in who.get("/kb/search", query_string={"q": "лимит"}).get_data(as_text=True)

    rep.post(f"/kb/{article.id}/publish")

    [item] = [i for i in suggest(reader, "лимит по карте") if i["kind"] == "article"]
    assert item == {
        **item,
        "id": article.id,
        "title": TITLE,
        "url": f"/kb/{article.id}-kak-uvelichit-limit-po-karte",
        "type": "article",
        "answered": True,
    }
    assert "<mark>" in item["snippet"]
    hit = page(reader.get("/search", query_string={"q": "лимит карта"})).find("li", class_="search-hit")
    assert hit.find("a").get("href") == item["url"]
    assert "Knowledge base" in hit.find("span", class_="kb").text

    rep.post(f"/kb/{article.id}/unpublish")
    assert ("article", article.id) not in keys(suggest(reader, "лимит по карте"))


def test_articles_come_first_when_equally_relevant(client, make_topic, make_article, community):
    topic = make_topic(title=TITLE, body=BODY, category=community["cards"])
    make_topic(title="Не приходит СМС с кодом", body="Код подтверждения не приходит.", category=community["cards"])
    article = make_article(title=TITLE, body=BODY, category=community["cards"])

    assert keys(suggest(client, "Хочу увеличить лимит по карте", "где это в приложении?"))[:2] == [
        ("article", article.id),
        ("topic", topic.id),
    ]
    hits = page(client.get("/search", query_string={"q": "лимит по карте"})).find_all("li", class_="search-hit")
    assert [h.find("a").get("href") for h in hits[:2]] == [
        f"/kb/{article.id}-{article.slug}",
        f"/t/{topic.id}-{topic.slug}",
    ]


def test_edits_reach_the_index(client, make_article, community):
    article = make_article(title="Переводы за границу", body="Переводы SWIFT занимают до трёх дней.")
    assert ("article", article.id) in keys(suggest(client, "перевод swift"))
    services.edit_article(
        community["rep_private"],
        article,
        "Переводы за границу",
        "Международные платежи идут через систему быстрых платежей.",
        article.category_id,
    )
    db.session.commit()
    assert ("article", article.id) not in keys(suggest(client, "swift"))
    assert ("article", article.id) in keys(suggest(client, "международные платежи"))


def test_knowledge_base_search_finds_articles_only(client, make_topic, make_article, community):
    make_topic(title=TITLE, body=BODY, category=community["cards"])
    article = make_article(title=TITLE, body=BODY)

    response = client.get("/kb/search", query_string={"q": "лимит"})

    assert response.status_code == 200
    hits = page(response).find_all("li", class_="search-hit")
    assert [h.find("a").get("href") for h in hits] == [f"/kb/{article.id}-{article.slug}"]
    empty = page(client.get("/kb/search", query_string={"q": "ипотека"}))
    assert "Nothing found in the knowledge base." in empty.text
    assert client.get("/kb/search", query_string={"q": '"NOT OR title:[a to z]' * 50}).status_code == 200


def test_reindex_and_verify_include_published_articles_only(runner, make_article, make_topic):
    make_topic(title="A community question about savings")
    make_article(title="Savings accounts explained")
    make_article(title="Savings draft", publish=False)
    get_backend().clear()

    result = runner.invoke(args=["search", "reindex"])

    assert result.exit_code == 0, result.output
    assert "Indexed 2 documents" in result.output
    verify = runner.invoke(args=["search", "verify"])
    assert verify.exit_code == 0, verify.output


def test_the_article_page_lists_related_community_topics(client, make_topic, make_article, customer, community):
    related = make_topic(
        title="Лимит по карте не увеличивается",
        body="Пробовал в приложении, лимит тот же.",
        category=community["cards"],
    )
    private = make_topic(
        author=customer,
        title="Мой лимит по карте",
        body="Личный вопрос про лимит.",
        category=community["cards"],
        is_private=True,
    )
    source = make_topic(title="Где поменять лимит по карте?", body="Подскажите.", category=community["cards"])
    community_services.post_comment(community["rep_private"], source, BODY)
    make_topic(title="Кешбэк за покупки", body="Когда начисляется кешбэк?", category=community["cards"])
    for n in range(16):  # a community of some size: "лимит" and "карта" are not in every other topic
        make_topic(title=f"Вопрос про вклад номер {n}", body="Какая ставка по вкладу?", category=community["cards"])
    db.session.commit()
    article = make_article(title=TITLE, body=BODY, source_topic=source, author=community["rep_private"])

    box = page(client.get(f"/kb/{article.id}-{article.slug}")).find("section", class_="kb-related")

    links = [a.get("href") for a in box.find_all("a")]
    assert f"/t/{related.id}-{related.slug}" in links
    assert all(f"/t/{t.id}-" not in " ".join(links) for t in (private, source))
    assert "Кешбэк" not in box.text
