"""The demo knowledge base and news, built through app.kb and app.news services (revisions, FAQ positions and
the search outbox come from them); like app.demo.loader, what already exists is left alone."""

from sqlalchemy import func, select

from app.common.policy import can
from app.community.models import Topic
from app.demo import files
from app.extensions import db
from app.kb import services as kb_services
from app.kb.models import PUBLISHED, Article
from app.news import services as news_services
from app.news.models import NewsPost


def _promote(author, promoted: dict) -> None:
    """'Add to FAQ' on the demo question, as the editor does it: the pre-filled draft, its answer edited."""
    topic = db.session.scalar(
        select(Topic)
        .where(Topic.title == promoted["topic_title"], Topic.is_deleted.is_(False))
        .order_by(Topic.id)
        .limit(1)
    )
    if topic is None or kb_services.article_from_topic(topic.id) is not None:
        return
    if not can(author, "promote_topic", topic):
        return
    draft = kb_services.draft_from_topic(author, topic)
    kb_services.create_article(
        author,
        draft["title"],
        promoted["body"],
        draft["category_id"],
        department_id=draft["department_id"],
        source_topic_id=draft["source_topic_id"],
        publish=True,
    )


def load_articles(users: dict, categories: dict) -> None:
    """Published articles in FAQ order (publishing puts each at the end of its category), the promoted topic,
    one draft."""
    content = files.content()
    existing = set(db.session.scalars(select(Article.title)))
    for article in content.articles:
        if article.title not in existing:
            category_id = categories[article.category].id
            kb_services.create_article(users[article.author], article.title, article.body, category_id, publish=True)
    _promote(users[content.promoted["author"]], content.promoted)
    draft = content.draft
    if draft.title not in existing:
        kb_services.create_article(users[draft.author], draft.title, draft.body, categories[draft.category].id)


def load_news(author) -> None:
    existing = set(db.session.scalars(select(NewsPost.title)))
    for post in files.content().news:
        if post.title not in existing:
            news_services.create_news(author, post.title, post.body, is_pinned=post.pinned)


def summary() -> str:
    articles = db.session.scalar(select(func.count()).select_from(Article))
    published = db.session.scalar(select(func.count()).select_from(Article).where(Article.status == PUBLISHED))
    news = db.session.scalar(select(func.count()).select_from(NewsPost))
    return f"{articles} articles ({published} published), {news} news posts"
