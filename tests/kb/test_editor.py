"""Writing the knowledge base through its pages: drafts, publishing, revisions and restore, 'Add to FAQ'."""

import pytest
from sqlalchemy import select

from app.community import services as community_services
from app.extensions import db
from app.kb.models import Article, ArticleRevision
from tests.helpers import db_snapshot, flashes, form_errors, page, page_text


def _form(category, **fields) -> dict:
    return {
        "title": "How to change the PIN",
        "body": "In the app: **Cards → PIN**.",
        "category_id": str(category.id),
        "department_id": "0",
        **fields,
    }


def _articles() -> list[Article]:
    return list(db.session.scalars(select(Article).order_by(Article.id)))


@pytest.mark.parametrize("role", ["representative", "admin"])
def test_writers_save_a_draft_then_publish(client_as, make_user, community, role):
    writer = client_as(make_user(role))
    assert writer.get("/kb/new").status_code == 200

    response = writer.post("/kb/new", _form(community["cards"], save="1"))

    [article] = _articles()
    assert response.status_code == 302 and response.headers["Location"] == f"/kb/{article.id}-how-to-change-the-pin"
    assert (article.status, article.department_id) == ("draft", community["private"].id)
    assert "The draft is saved." in flashes(writer.get(response.headers["Location"]))

    writer.post(f"/kb/{article.id}/publish")
    db.session.refresh(article)
    assert article.status == "published"


def test_publish_straight_from_the_editor(client_as, community):
    writer = client_as(community["rep_private"])
    business = str(community["business"].id)
    response = writer.post("/kb/new", _form(community["cards"], publish="1", department_id=business))
    [article] = _articles()
    assert (article.status, article.department_id) == ("published", community["business"].id)
    assert "The article is published." in flashes(writer.get(response.headers["Location"]))


@pytest.mark.parametrize("role", ["customer", "moderator"])
def test_others_cannot_write(client_as, make_article, make_user, role):
    article = make_article()
    other = client_as(make_user(role))
    before = db_snapshot()
    for method, url in [
        ("get", "/kb/new"),
        ("post", "/kb/new"),
        ("get", f"/kb/{article.id}/edit"),
        ("post", f"/kb/{article.id}/edit"),
        ("post", f"/kb/{article.id}/unpublish"),
        ("get", f"/kb/{article.id}/revisions"),
        ("get", f"/kb/{article.id}/revisions/1"),
        ("post", f"/kb/{article.id}/revisions/1/restore"),
        ("post", f"/kb/{article.id}/move"),
    ]:
        response = other.get(url) if method == "get" else other.post(url, {"direction": "up", "title": "Forged title"})
        assert response.status_code == 404, (method, url)
    assert db_snapshot() == before


def test_anonymous_visitors_are_sent_to_log_in(client, make_article):
    article = make_article()
    for url in ("/kb/new", f"/kb/{article.id}/edit", f"/kb/{article.id}/revisions"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"title": ""}, "This field is required."),
        ({"title": "abc"}, "Field must be between 5 and 200 characters long."),
        ({"title": "  a   b  "}, "The title must be at least 5 characters long."),
        ({"body": "x" * 60_000}, "Field cannot be longer than 50000 characters."),
        ({"category_id": "0"}, None),
        ({"category_id": "999999"}, "Not a valid choice."),
        ({"category_id": "99999999999999999999"}, "Not a valid choice."),
        ({"category_id": "abc"}, None),
        ({"department_id": "999999"}, "Not a valid choice."),
        ({"body": "", "publish": "1"}, "Write the article before publishing it."),
        ({"source_topic_id": "999999"}, "The topic this article was made from no longer exists."),
    ],
)
def test_bad_article_forms_are_form_errors(client_as, community, changes, message):
    writer = client_as(community["rep_private"])
    before = db_snapshot()
    response = writer.post("/kb/new", _form(community["cards"], **changes))
    assert response.status_code == 422
    errors = form_errors(response)
    assert errors and (message is None or message in errors), errors
    assert db_snapshot() == before


def test_editing_keeps_revisions_that_can_be_viewed_and_restored(client, client_as, make_article, community):
    article = make_article(title="Card limits", body="Daily limit: 100.", author=community["rep_private"])
    url = f"/kb/{article.id}-card-limits"
    rep = client_as(community["rep_business"])

    edit_page = page(rep.get(f"/kb/{article.id}/edit"))
    assert edit_page.find("input", name="base_revision").get("value") == "1"
    assert edit_page.find("textarea", name="body").text == "Daily limit: 100."
    response = rep.post(
        f"/kb/{article.id}/edit",
        _form(community["cards"], title="Card limits", base_revision="1", body="Daily limit: 500."),
    )
    assert response.status_code == 302 and response.headers["Location"] == url
    assert "Daily limit: 500." in page_text(client.get(url))

    history = page(rep.get(f"/kb/{article.id}/revisions"))
    rows = [row.text for row in history.find("tbody").find_all("tr")]
    assert len(rows) == 2 and "Boris Business" in rows[0] and "Current" in rows[0] and "Pavel Private" in rows[1]

    old = rep.get(f"/kb/{article.id}/revisions/1")
    assert "Daily limit: 100." in page(old).find("div", class_="body").text
    diff = page(old).find("section", class_="kb-diff")
    assert [s.text for s in diff.find_all("span", class_="kb-diff-removed")] == ["- Daily limit: 100."]
    assert [s.text for s in diff.find_all("span", class_="kb-diff-added")] == ["+ Daily limit: 500."]
    assert page(rep.get(f"/kb/{article.id}/revisions/2")).find("section", class_="kb-diff") is None
    assert rep.get(f"/kb/{article.id}/revisions/7").status_code == 404

    restored = rep.post(f"/kb/{article.id}/revisions/1/restore")
    assert restored.status_code == 302
    assert "Revision 1 is restored as revision 3." in flashes(rep.get(url))
    assert "Daily limit: 100." in page_text(client.get(url))
    assert rep.post(f"/kb/{article.id}/revisions/9/restore").status_code == 404
    numbers = db.session.scalars(select(ArticleRevision.number).where(ArticleRevision.article_id == article.id)).all()
    assert sorted(numbers) == [1, 2, 3]


def test_a_stale_editor_does_not_overwrite_a_newer_revision(client_as, make_article, community):
    article = make_article(body="First.")
    first, second = client_as(community["rep_private"]), client_as(community["admin"])
    saved = first.post(f"/kb/{article.id}/edit", _form(community["cards"], body="Second.", base_revision="1"))
    assert saved.status_code == 302

    late = second.post(f"/kb/{article.id}/edit", _form(community["cards"], body="Third.", base_revision="1"))

    assert late.status_code == 422
    assert any("Someone saved a newer version" in e for e in form_errors(late))
    db.session.refresh(article)
    assert article.body == "Second."


def test_faq_order_buttons(client_as, make_article, community):
    a = make_article(title="Question alpha", category=community["cards"])
    b = make_article(title="Question beta", category=community["cards"])
    rep = client_as(community["rep_private"])

    response = rep.post(f"/kb/{b.id}/move", {"direction": "up"})

    assert response.status_code == 302 and response.headers["Location"] == f"/kb/#category-{community['cards'].id}"
    listed = [x.text for x in page(rep.get("/kb/")).find_all("a", class_="topic-title")]
    assert listed == ["Question beta", "Question alpha"]
    assert rep.post(f"/kb/{a.id}/move", {"direction": "sideways"}).status_code == 400


# ---------------------------------------------------------------- 'Add to FAQ'


@pytest.fixture
def answered(make_topic, customer, community):
    topic = make_topic(
        author=customer,
        category=community["cards"],
        title="Can I raise my card limit?",
        body="I need to pay for a car.",
    )
    community_services.post_comment(community["rep_private"], topic, "Yes: in the app, *Cards → Limits*.")
    db.session.commit()
    return topic


def _topic_url(topic) -> str:
    return f"/t/{topic.id}-{topic.slug}"


def test_add_to_faq_is_offered_to_writers_on_answered_questions(client_as, make_topic, answered, customer, community):
    faq = page(client_as(community["rep_business"]).get(_topic_url(answered))).find("section", class_="kb-topic-faq")
    assert faq.find("a").get("href") == f"/kb/new?topic={answered.id}"
    assert "Add to FAQ" in faq.text

    assert page(client_as(customer).get(_topic_url(answered))).find("section", class_="kb-topic-faq") is None
    moderator_view = page(client_as(community["moderator"]).get(_topic_url(answered)))
    assert moderator_view.find("section", class_="kb-topic-faq") is None
    unanswered = make_topic(category=community["cards"])
    assert (
        page(client_as(community["rep_business"]).get(_topic_url(unanswered))).find("section", class_="kb-topic-faq")
        is None
    )


def test_add_to_faq_links_topic_and_article_both_ways(client, client_as, answered, customer, community):
    rep = client_as(community["rep_private"])

    editor = page(rep.get(f"/kb/new?topic={answered.id}"))
    assert editor.find("input", name="title").get("value") == "Can I raise my card limit?"
    assert editor.find("textarea", name="body").text == "Yes: in the app, *Cards → Limits*."
    options = editor.find("select", name="category_id").find_all("option")
    assert [o.text for o in options if any(name == "selected" for name, _ in o.attrs)] == ["Cards"]
    assert editor.find("input", name="source_topic_id").get("value") == str(answered.id)
    assert _articles() == []  # nothing saved until the writer saves

    fields = {
        "title": "How to raise the card limit",
        "body": "In the app: *Cards → Limits*.",
        "category_id": str(community["cards"].id),
        "department_id": "0",
        "source_topic_id": str(answered.id),
    }
    rep.post("/kb/new", {**fields, "save": "1"})
    [article] = _articles()
    assert (article.status, article.source_topic_id) == ("draft", answered.id)

    # The draft: staff see it from the topic; customers do not; a second 'Add to FAQ' opens it.
    assert "An FAQ draft was made from this topic" in page_text(rep.get(_topic_url(answered)))
    assert page(client_as(customer).get(_topic_url(answered))).find("section", class_="kb-topic-faq") is None
    again = rep.get(f"/kb/new?topic={answered.id}")
    assert again.status_code == 302 and again.headers["Location"] == f"/kb/{article.id}/edit"

    rep.post(f"/kb/{article.id}/publish")
    link = page(client.get(_topic_url(answered))).find("a", class_="kb-article-link")
    assert link.get("href") == f"/kb/{article.id}-how-to-raise-the-card-limit"
    source = page(client.get(link.get("href"))).find("a", class_="kb-source-link")
    assert source.get("href") == _topic_url(answered) and source.text == "Can I raise my card limit?"


def test_add_to_faq_refuses_topics_that_do_not_qualify(client_as, make_topic, community):
    rep = client_as(community["rep_private"])
    idea = make_topic(topic_type="idea", mood=None, category=community["cards"])
    community_services.post_comment(community["rep_private"], idea, "Thanks, noted.")
    db.session.commit()
    assert rep.get(f"/kb/new?topic={idea.id}").status_code == 403
    assert rep.get("/kb/new?topic=999999").status_code == 404
    assert rep.get("/kb/new?topic=abc").status_code == 200  # an ordinary empty editor


def test_the_source_link_is_only_shown_to_who_may_see_the_topic(
    client_as, make_topic, make_article, customer, community
):
    private = make_topic(author=customer, category=community["cards"])
    community_services.post_comment(community["rep_private"], private, "Answered in public.")
    db.session.commit()
    article = make_article(source_topic=private, author=community["rep_private"])
    private.is_private = True  # made private after the article was written from it
    db.session.commit()
    url = f"/kb/{article.id}-{article.slug}"
    assert page(client_as(customer).get(url)).find("a", class_="kb-source-link") is not None
    assert page(client_as().get(url)).find("a", class_="kb-source-link") is None


def test_add_to_faq_is_refused_on_private_topics_in_view_and_service(client_as, make_topic, customer, community):
    private = make_topic(author=customer, category=community["cards"], is_private=True, title="My card was blocked")
    community_services.post_comment(community["rep_private"], private, "Answered privately.")
    db.session.commit()
    rep = client_as(community["rep_private"])
    assert page(rep.get(_topic_url(private))).find("section", class_="kb-topic-faq") is None
    refused = rep.get(f"/kb/new?topic={private.id}")
    assert refused.status_code == 403 and "private" in page_text(refused)
    fields = {
        "title": "How to unblock a card",
        "body": "Call us.",
        "category_id": str(community["cards"].id),
        "department_id": "0",
        "source_topic_id": str(private.id),
        "save": "1",
    }
    rep.post("/kb/new", fields)
    assert _articles() == []
