"""Reads for sitemaps and feeds: public content only, in a fixed number of queries whatever its size.

Public topic = not private, not hidden, not deleted (and not merged into another topic: the original is the
page to index). Article = published. Sitemap rows are plain tuples streamed in batches (no ORM objects).
"""

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import joinedload

from app.common.policy import where
from app.community.models import Category, Topic
from app.extensions import db

STREAM_BATCH = 2000


def _kb_models():
    """The knowledge base is optional: None when app.kb is not installed."""
    try:
        from app.kb import models
    except ImportError:
        return None
    return models


def public_topics_clause():
    clause = where(None, "view_public_topic", Topic)
    merged = getattr(Topic, "merged_into_id", None)
    return and_(clause, merged.is_(None)) if merged is not None else clause


def published_articles_clause():
    kb = _kb_models()
    return kb.Article.status == kb.PUBLISHED


def _article_changed():
    """When a published article last changed for its readers: published or edited, whichever is later."""
    Article = _kb_models().Article
    return case((Article.published_at > Article.edited_at, Article.published_at), else_=Article.edited_at)


def has_articles() -> bool:
    return _kb_models() is not None


# --- sitemaps ---------------------------------------------------------------------------------------------


def count_public_topics() -> int:
    return db.session.scalar(select(func.count()).select_from(Topic).where(public_topics_clause())) or 0


def count_published_articles() -> int:
    if not has_articles():
        return 0
    Article = _kb_models().Article
    return db.session.scalar(select(func.count()).select_from(Article).where(published_articles_clause())) or 0


def _rows_by_id(model, columns, where, offset: int, limit: int):
    """(id, *columns) of the rows `where` allows, by id, streamed in batches."""
    stmt = (
        select(model.id, *columns)
        .where(where)
        .order_by(model.id)
        .offset(offset)
        .limit(limit)
        .execution_options(yield_per=STREAM_BATCH)
    )
    return db.session.execute(stmt)


def topic_rows(offset: int, limit: int):
    """(id, title, updated_at, last_activity_at) of public topics by id, streamed in batches."""
    columns = (Topic.title, Topic.updated_at, Topic.last_activity_at)
    return _rows_by_id(Topic, columns, public_topics_clause(), offset, limit)


def article_rows(offset: int, limit: int):
    """(id, title, edited_at, published_at) of published articles by id."""
    Article = _kb_models().Article
    columns = (Article.title, Article.edited_at, Article.published_at)
    return _rows_by_id(Article, columns, published_articles_clause(), offset, limit)


def _chunk_lastmods(columns, where, order, chunk: int) -> dict[int, tuple]:
    """{chunk number (from 1): (max of each column)} for rows split into chunks of `chunk` rows by `order`."""
    position = (func.row_number().over(order_by=order) - 1).label("position")
    inner = select(position, *[c.label(f"c{i}") for i, c in enumerate(columns)]).where(where).subquery()
    number = (inner.c.position / chunk).label("chunk")
    rows = db.session.execute(
        select(number, *[func.max(inner.c[f"c{i}"]) for i in range(len(columns))]).group_by(number)
    )
    return {int(row[0]) + 1: tuple(row[1:]) for row in rows}


def topic_chunk_lastmods(chunk: int) -> dict[int, tuple]:
    return _chunk_lastmods([Topic.updated_at, Topic.last_activity_at], public_topics_clause(), Topic.id, chunk)


def article_chunk_lastmods(chunk: int) -> dict[int, tuple]:
    Article = _kb_models().Article
    return _chunk_lastmods([Article.edited_at, Article.published_at], published_articles_clause(), Article.id, chunk)


def latest_topic_activity():
    return db.session.scalar(select(func.max(Topic.last_activity_at)).where(public_topics_clause()))


def category_pages() -> list[tuple[str, object]]:
    """(name, latest public activity) of every category, in the categories' order, in one query."""
    from app.community.models import Category

    latest = (
        select(Topic.category_id, func.max(Topic.last_activity_at).label("at"))
        .where(public_topics_clause())
        .group_by(Topic.category_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Category.id, Category.name, latest.c.at)
        .outerjoin(latest, latest.c.category_id == Category.id)
        .order_by(Category.position, Category.name)
    )
    return [(row.id, row.name, row.at) for row in rows]


def latest_article_change():
    if not has_articles():
        return None
    return db.session.scalar(select(func.max(_article_changed())).where(published_articles_clause()))


# --- feeds ------------------------------------------------------------------------------------------------


def newest_topics(limit: int, category_id: int | None = None) -> list[Topic]:
    stmt = (
        select(Topic)
        .where(public_topics_clause())
        .options(joinedload(Topic.author), joinedload(Topic.category))
        .order_by(Topic.created_at.desc(), Topic.id.desc())
        .limit(limit)
    )
    if category_id is not None:
        stmt = stmt.where(Topic.category_id == category_id)
    return list(db.session.scalars(stmt))


def get_category(category_id: int) -> Category | None:
    return db.session.get(Category, category_id)


def recently_changed_articles(limit: int) -> list:
    """Published articles, the most recently published or edited first."""
    Article = _kb_models().Article
    return list(
        db.session.scalars(
            select(Article)
            .where(published_articles_clause())
            .options(joinedload(Article.category), joinedload(Article.author))
            .order_by(_article_changed().desc(), Article.id.desc())
            .limit(limit)
        )
    )
