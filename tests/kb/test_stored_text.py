"""Issue 11, cost of a page: an article's HTML and plain text are computed once when it is written (body_html,
body_text) and every reader (its page's meta and JSON-LD, the FAQ's JSON-LD, search documents) uses them."""

from sqlalchemy import update

from app.common.html import plain_text, render_markdown
from app.extensions import db
from app.kb import search_docs, services
from app.kb.models import Article
from tests.seo.helpers import json_ld, meta

BODY = "Open **Cards**, then *Limits* & check that 4 < 5 <script>alert(1)</script>"
MARKER = "STORED-PLAIN-TEXT-MARKER and nothing else"


def test_writes_store_the_html_and_its_plain_text(make_article, community):
    article = make_article(author=community["rep_business"], body=BODY)
    assert article.body_html == render_markdown(BODY)
    assert article.body_text == plain_text(article.body_html)
    assert "Cards" in article.body_text and "<" in article.body_text and "<strong>" not in article.body_text
    assert "&amp;" not in article.body_text and "&lt;" not in article.body_text  # decoded once, escaped on output

    services.edit_article(community["rep_business"], article, article.title, "A *new* text", article.category_id)
    db.session.commit()
    assert (article.body_html, article.body_text) == (render_markdown("A *new* text"), "A new text\n")

    services.restore_revision(community["rep_business"], article, 1)
    db.session.commit()
    assert article.body_text == plain_text(render_markdown(BODY))


def _mark(article: Article) -> None:
    """Change only the stored plain text: whatever shows the marker read it instead of re-deriving it."""
    db.session.execute(update(Article).where(Article.id == article.id).values(body_text=MARKER))
    db.session.commit()
    db.session.expire_all()


def test_pages_json_ld_and_search_read_the_stored_text(client, make_article, community):
    article = make_article(author=community["rep_business"], body=BODY, category=community["cards"])
    _mark(article)

    response = client.get(f"/kb/{article.id}-{article.slug}")
    assert response.status_code == 200
    assert meta(response)["description"] == [MARKER]
    [data] = [block for block in json_ld(response) if block.get("@type") == "Article"]
    assert data["description"] == MARKER

    faq = client.get("/kb/")
    [faq_data] = [block for block in json_ld(faq) if block.get("@type") == "FAQPage"]
    assert [q["acceptedAnswer"]["text"] for q in faq_data["mainEntity"]] == [MARKER]

    [doc] = search_docs.load(db.session, [article.id]).values()
    assert doc.body == MARKER
    with client.application.test_request_context():
        assert search_docs.present(None, [article.id])[article.id]["text"] == MARKER


def test_article_titles_lose_direction_and_invisible_characters(make_article, community):
    article = make_article(author=community["rep_business"], title="Card\u202e limits\u200b explained")
    assert article.title == "Card limits explained"
