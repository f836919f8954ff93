"""The XSS corpus through the knowledge base's real rendering path: article bodies written in the editor,
customers' comments, titles; the pages come out harmless (the checks of tests/common/test_xss.py)."""

from sqlalchemy import select

from app.extensions import db
from app.kb.models import Article
from tests.common.test_xss import _batches, _check_page, _payloads
from tests.helpers import page


def test_articles_and_comments_render_harmlessly(client_as, customer, community):
    payloads = _payloads()
    writer, reader, visitor = client_as(community["rep_private"]), client_as(customer), client_as()
    for number, batch in enumerate(_batches(payloads)):
        title = " ".join(f"XSS {number} {batch[0]}".split())[:200]
        response = writer.post(
            "/kb/new",
            {
                "title": title,
                "body": "\n\n".join(batch),
                "publish": "1",
                "category_id": str(community["cards"].id),
                "department_id": "0",
            },
        )
        assert response.status_code == 302, (number, response.status_code)
        url = response.headers["Location"]
        article_id = int(url.split("/")[2].split("-")[0])
        comment = reader.post(f"/kb/{article_id}/comments", {"body": "\n\n".join(reversed(batch))})
        assert comment.status_code == 302, (number, comment.status_code)

        article_page = visitor.get(url)
        assert _check_page(article_page) == 2
        assert page(article_page).find("h1").text == " ".join(title.split())
        assert _check_page(writer.get(f"/kb/{article_id}/revisions/1")) == 1

    assert len(db.session.scalars(select(Article)).all()) == len(_batches(payloads))
    _check_page(visitor.get("/kb/"))
    _check_page(visitor.get("/kb/search", query_string={"q": "XSS script alert"}))
