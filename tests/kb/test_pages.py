"""The knowledge base as readers see it: the index, article pages, drafts, slugs, feedback and comments."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.kb import services
from app.kb.models import Article, ArticleComment, ArticleFeedback
from tests.helpers import db_snapshot, flashes, form_errors, page, page_text


def _url(article) -> str:
    return f"/kb/{article.id}-{article.slug}"


def test_the_index_lists_each_category_faq_in_staff_order(client, make_article, community):
    rep = community["rep_private"]
    first = make_article(title="How do I block a lost card?", category=community["cards"])
    second = make_article(title="Which cards work abroad?", category=community["cards"])
    make_article(title="How do I connect a terminal?", category=community["acquiring"])
    make_article(title="A draft nobody should see", category=community["cards"], publish=False)
    services.move_article(rep, second, "up")
    db.session.commit()

    response = client.get("/kb/")

    assert response.status_code == 200
    root = page(response)
    sections = {
        s.find("h2").text: [a.text for a in s.find_all("a", class_="topic-title")]
        for s in root.find_all("section", class_="kb-category")
    }
    assert sections == {
        "Cards": ["Which cards work abroad?", "How do I block a lost card?"],
        "Acquiring": ["How do I connect a terminal?"],
    }
    assert "A draft nobody should see" not in page_text(response)
    assert root.find("form", action="/kb/search") is not None
    assert root.find("a", href=_url(first)) is not None


def test_the_index_shows_the_most_read_articles(client, make_article):
    popular = make_article(title="Popular question")
    other = make_article(title="Less read question")
    make_article(title="Never read question")
    for _ in range(3):
        assert client.post(f"/kb/{popular.id}/view", headers={"X-CSRFToken": client.csrf_token()}).status_code == 202
    client.post(f"/kb/{other.id}/view", headers={"X-CSRFToken": client.csrf_token()})

    box = page(client.get("/kb/")).find("section", class_="kb-most-read")

    assert [a.text for a in box.find_all("a")] == ["Popular question", "Less read question"]
    assert "3 readings" in box.text


def test_views_of_drafts_and_forged_views_are_not_counted(client, make_article):
    draft = make_article(publish=False)
    published = make_article()
    assert client.post(f"/kb/{draft.id}/view", headers={"X-CSRFToken": client.csrf_token()}).status_code == 404
    assert client.post_raw(f"/kb/{published.id}/view").status_code == 400
    assert [a.view_count for a in db.session.scalars(select(Article).order_by(Article.id))] == [0, 0]


def test_writers_see_drafts_and_tools_on_the_index(client_as, make_article, customer, community):
    make_article(title="Unfinished answer", publish=False)
    rep_page = page(client_as(community["rep_private"]).get("/kb/"))
    assert "Unfinished answer" in rep_page.find("section", class_="kb-drafts").text
    assert rep_page.find("a", href="/kb/new") is not None

    customer_page = page(client_as(customer).get("/kb/"))
    assert customer_page.find("section", class_="kb-drafts") is None
    assert customer_page.find("a", href="/kb/new") is None


def test_an_article_page_shows_body_department_update_and_canonical(client, make_article, community):
    article = make_article(
        title="Card limits",
        body="Set them in **the app**.\n\n![Limits screen](/media/x.png)",
        category=community["cards"],
        department=community["business"],
    )

    response = client.get(_url(article))

    assert response.status_code == 200
    root = page(response)
    assert root.find("h1").text == "Card limits"
    body = root.find("div", class_="body")
    assert body.find("strong").text == "the app"
    assert body.find("img").get("src") == "/media/x.png"
    assert "Responsible: Business" in root.find("span", class_="department").text
    assert root.find("time").get("datetime").startswith(article.edited_at.isoformat()[:16])
    assert root.find("link", rel="canonical").get("href") == f"http://localhost{_url(article)}"
    assert root.find("meta", name="robots") is None
    assert root.find("article", id="article").get("data-view-url") == f"/kb/{article.id}/view"


def test_cyrillic_titles_get_transliterated_slugs_and_old_slugs_redirect(client, make_article, community):
    article = make_article(title="Как разблокировать карту?")
    assert article.slug == "kak-razblokirovat-kartu"
    old_url = _url(article)
    services.edit_article(
        community["rep_private"], article, "Как разблокировать карту после ПИН-кода", article.body, article.category_id
    )
    db.session.commit()

    for url in (old_url, f"/kb/{article.id}", f"/kb/{article.id}-anything"):
        response = client.get(url)
        assert response.status_code == 301, url
        assert response.headers["Location"] == f"/kb/{article.id}-kak-razblokirovat-kartu-posle-pin-koda"
    assert client.get(f"/kb/{article.id}-kak-razblokirovat-kartu-posle-pin-koda").status_code == 200


@pytest.mark.parametrize("viewer", [None, "customer"])
def test_drafts_are_invisible_to_customers(client_as, make_article, make_user, viewer):
    draft = make_article(title="Secret draft", publish=False)
    visitor = client_as(make_user(viewer) if viewer else None)

    assert visitor.get(_url(draft)).status_code == 404
    assert visitor.get(f"/kb/{draft.id}").status_code == 404
    assert "Secret draft" not in page_text(visitor.get("/kb/"))


@pytest.mark.parametrize("role", ["representative", "moderator", "admin"])
def test_staff_see_drafts_marked_as_such(client_as, make_article, make_user, role):
    draft = make_article(title="Secret draft", publish=False)
    response = client_as(make_user(role)).get(_url(draft))
    assert response.status_code == 200
    root = page(response)
    assert "Draft: only staff can see it" in root.text
    assert root.find("meta", name="robots").get("content") == "noindex"
    assert root.find("article", id="article").get("data-view-url") is None


def test_unpublishing_hides_the_article_again(client_as, make_article, customer, community):
    article = make_article()
    rep = client_as(community["rep_private"])
    response = rep.post(f"/kb/{article.id}/unpublish")
    assert response.status_code == 302
    assert client_as(customer).get(_url(article)).status_code == 404
    rep.post(f"/kb/{article.id}/publish")
    assert client_as(customer).get(_url(article)).status_code == 200


# ---------------------------------------------------------------- was this helpful?


def test_helpfulness_votes_one_per_user(client_as, make_article, customer, community):
    article = make_article()
    reader = client_as(customer)

    first = reader.post(f"/kb/{article.id}/feedback", {"helpful": "yes"})
    assert first.status_code == 302 and first.headers["Location"].endswith(f"{_url(article)}#helpful")
    assert "Thank you for your feedback." in flashes(reader.get(_url(article)))
    reader.post(f"/kb/{article.id}/feedback", {"helpful": "no", "comment": "Nothing about fees abroad."})
    client_as(community["moderator"]).post(f"/kb/{article.id}/feedback", {"helpful": "yes"})

    rows = {(f.user_id, f.is_helpful, f.comment) for f in db.session.scalars(select(ArticleFeedback))}
    assert rows == {(customer.id, False, "Nothing about fees abroad."), (community["moderator"].id, True, "")}
    assert "You found it not helpful." in page_text(reader.get(_url(article)))

    staff_view = page(client_as(community["rep_private"]).get(_url(article)))
    summary = staff_view.find("section", class_="kb-feedback-summary").text
    assert "1 reader found it helpful" in summary and "1 reader did not" in summary
    assert "Nothing about fees abroad." in summary
    assert page(reader.get(_url(article))).find("section", class_="kb-feedback-summary") is None


def test_feedback_needs_a_login_and_a_valid_answer(client, client_as, make_article, customer):
    article = make_article()
    anonymous = client.post(f"/kb/{article.id}/feedback", {"helpful": "yes"})
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert "Log in to tell us" in page_text(client.get(_url(article)))

    reader = client_as(customer)
    before = db_snapshot()
    for data in ({"helpful": "maybe"}, {}, {"helpful": "no", "comment": "x" * 5000}):
        response = reader.post(f"/kb/{article.id}/feedback", data)
        assert response.status_code == 422, data
        assert form_errors(response)
    assert db_snapshot() == before


# ---------------------------------------------------------------- comments


def test_customers_comment_and_moderators_hide(client, client_as, make_article, customer, community):
    article = make_article()
    reader = client_as(customer)

    response = reader.post(f"/kb/{article.id}/comments", {"body": "Worked for me. <script>alert(1)</script>"})
    [comment] = db.session.scalars(select(ArticleComment)).all()
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#c{comment.id}")
    shown = page(client.get(_url(article))).find("article", id=f"c{comment.id}")
    assert shown.find("div", class_="body").find("script") is None
    assert "Worked for me." in shown.text

    moderator = client_as(community["moderator"])
    assert moderator.post(f"/kb/comments/{comment.id}/hide").status_code == 302
    assert page(client.get(_url(article))).find("article", id=f"c{comment.id}") is None
    assert "Hidden" in page(moderator.get(_url(article))).find("article", id=f"c{comment.id}").text
    assert reader.post(f"/kb/comments/{comment.id}/hide").status_code == 404  # hidden: the author cannot see it
    moderator.post(f"/kb/comments/{comment.id}/hide")
    assert page(client.get(_url(article))).find("article", id=f"c{comment.id}") is not None

    assert client_as(community["rep_private"]).post(f"/kb/comments/{comment.id}/hide").status_code == 403
    assert reader.post(f"/kb/comments/{comment.id}/delete").status_code == 302
    assert page(client.get(_url(article))).find("article", id=f"c{comment.id}") is None
    assert db.session.get(ArticleComment, comment.id).is_deleted


def test_comment_errors_and_access(client, client_as, make_article, customer):
    article = make_article()
    draft = make_article(publish=False)
    reader = client_as(customer)
    assert client.post(f"/kb/{article.id}/comments", {"body": "Hi"}).status_code == 302  # to the login page
    empty = reader.post(f"/kb/{article.id}/comments", {"body": "   "})
    assert empty.status_code == 422 and form_errors(empty)
    assert reader.post(f"/kb/{article.id}/comments", {"body": "x" * 30_000}).status_code == 422
    assert reader.post(f"/kb/{draft.id}/comments", {"body": "Hi"}).status_code == 404
    assert db.session.scalars(select(ArticleComment)).all() == []
    assert "Log in to comment" in page_text(client.get(_url(article)))


def _image_status(client, upload) -> int:
    response = client.get(f"/media/{upload.name}")
    response.close()
    return response.status_code


def test_images_follow_the_article_and_its_comments(client_as, make_article, make_upload, customer, community):
    rep = community["rep_private"]
    image = make_upload(owner=rep)
    article = make_article(author=rep, publish=False, body=f"Look:\n\n![Screen](/media/{image.name})")
    comment_image = make_upload(owner=customer)
    visitor, reader = client_as(), client_as(customer)

    assert _image_status(visitor, image) == 404  # a draft's image: staff only
    assert _image_status(client_as(community["moderator"]), image) == 200
    reader.post(f"/kb/{article.id}/comments", {"body": "Hi"})  # a draft takes no comments
    client_as(rep).post(f"/kb/{article.id}/publish")
    assert _image_status(visitor, image) == 200

    reader.post(f"/kb/{article.id}/comments", {"body": f"Mine:\n\n![x](/media/{comment_image.name})"})
    assert _image_status(visitor, comment_image) == 200
    [comment] = db.session.scalars(select(ArticleComment)).all()
    client_as(community["moderator"]).post(f"/kb/comments/{comment.id}/hide")
    assert _image_status(visitor, comment_image) == 404
    client_as(rep).post(f"/kb/{article.id}/unpublish")
    assert _image_status(visitor, image) == 404


def test_the_index_is_paginated_and_grouped_by_category(client, make_article, community, monkeypatch):
    from app.kb import queries

    titles = [f"Card question number {n}" for n in range(3)]
    for title in titles:
        make_article(title=title, category=community["cards"])
    make_article(title="How do I connect a terminal?", category=community["acquiring"])
    monkeypatch.setattr(queries.faq_sections, "__defaults__", (1, 2))  # two articles a page

    def sections(url):
        root = page(client.get(url))
        return (
            {
                s.find("h2").text: [a.text for a in s.find_all("a", class_="topic-title")]
                for s in root.find_all("section", class_="kb-category")
            },
            root,
        )

    first, root = sections("/kb/")
    second, second_root = sections("/kb/?page=2")
    ordered = [title for group in (first, second) for titles_ in group.values() for title in titles_]
    assert len(ordered) == 4 and len(set(ordered)) == 4
    assert sum(map(len, first.values())) == 2
    assert root.find("nav", class_="pager").find("a", rel="next").get("href") == "/kb/?page=2"
    assert second_root.find("link", rel="canonical").get("href").endswith("/kb/?page=2")
