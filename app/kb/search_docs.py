"""How articles enter the search index: only published ones, ranked above topics when equally relevant."""

import math

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.extensions import db
from app.kb.models import PUBLISHED, Article
from app.search import outbox
from app.search.documents import PUBLIC, Kind, Scope, SearchDoc, register_kind

KIND = "article"
# An article is the company's curated answer: on equal relevance it goes before community topics
# (both backends multiply a hit's score by its kind's rank_boost).
RANK_BOOST = 1.3


def article_text(article: Article) -> str:
    """The article's words from its stored plain text (computed once when the text was written)."""
    return " ".join(article.body_text.split())


def load(session: Session, ids: list[int]) -> dict[int, SearchDoc | None]:
    """Published articles as documents; drafts (and deleted rows) are out of the index altogether."""
    articles = {a.id: a for a in session.scalars(select(Article).where(Article.id.in_(ids)))}
    docs: dict[int, SearchDoc | None] = {}
    for article_id in ids:
        article = articles.get(article_id)
        if article is None or article.status != PUBLISHED:
            docs[article_id] = None
            continue
        docs[article_id] = SearchDoc(
            kind=KIND,
            id=article.id,
            title=article.title,
            body=article_text(article),
            type=KIND,
            status=None,
            category_id=article.category_id,
            department_id=article.department_id,
            author_id=None,
            visibility=PUBLIC,
            has_answer=True,
            popularity=math.log1p((article.view_count or 0) / 20),
            updated_at=article.edited_at,
        )
    return docs


def all_ids(session: Session):
    return session.scalars(select(Article.id).where(Article.status == PUBLISHED).order_by(Article.id))


def present(scope: Scope, ids: list[int]) -> dict[int, dict]:
    """Display data for published articles only (the database has the last word, whatever the index says)."""
    if not ids:
        return {}
    stmt = select(Article).where(Article.id.in_(ids), Article.status == PUBLISHED)
    return {
        article.id: {
            "title": article.title,
            "url": url_for("kb.article", article_id=article.id, slug=article.slug),
            "type": KIND,
            "status": None,
            "answered": True,
            "text": article_text(article),
            "category_id": article.category_id,
        }
        for article in db.session.scalars(stmt)
    }


def register() -> None:
    register_kind(Kind(name=KIND, loader=load, all_ids=all_ids, present=present, rank_boost=RANK_BOOST))


def touch(article_id: int) -> None:
    """The article (its text, place or status) changed: reindex it after commit. Every service that writes an
    article calls this."""
    outbox.enqueue(KIND, article_id)
