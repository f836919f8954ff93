"""How topics enter the search index: what is indexed, which changes touch it, how hits are shown."""

import math

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.common.html import plain_text
from app.common.policy import topic_clause
from app.community.models import Comment, Topic
from app.extensions import db
from app.search import outbox
from app.search.documents import HIDDEN, PRIVATE, PUBLIC, Kind, Scope, SearchDoc, register_kind

KIND = "topic"


def _visibility(topic: Topic) -> str:
    if topic.is_hidden:
        return HIDDEN
    return PRIVATE if topic.is_private else PUBLIC


def load(session: Session, ids: list[int]) -> dict[int, SearchDoc | None]:
    topics = {t.id: t for t in session.scalars(select(Topic).where(Topic.id.in_(ids)))}
    answers: dict[int, list[str]] = {}
    rows = session.execute(
        select(Comment.topic_id, Comment.id, Comment.body, Comment.is_official)
        .where(Comment.topic_id.in_(ids), Comment.is_deleted.is_(False), Comment.is_hidden.is_(False))
        .order_by(Comment.id)
    )
    for topic_id, comment_id, body, is_official in rows:
        topic = topics.get(topic_id)
        if topic is not None and (is_official or comment_id == topic.solution_comment_id):
            answers.setdefault(topic_id, []).append(body)
    # A merged duplicate leaves the index (its page points to the original); its title, often worded the way
    # other customers ask, makes the original findable instead: in the "also asked as" field, which ranks
    # below the title and never lengthens the body (app.learning adds the phrasings learnt since).
    also_asked: dict[int, list[str]] = {}
    for original_id, title in session.execute(
        select(Topic.merged_into_id, Topic.title)
        .where(
            Topic.merged_into_id.in_(ids),
            Topic.is_deleted.is_(False),
            Topic.is_hidden.is_(False),
            Topic.is_private.is_(False),
        )
        .order_by(Topic.id)
    ):
        also_asked.setdefault(original_id, []).append(title)
    docs: dict[int, SearchDoc | None] = {}
    for topic_id in ids:
        topic = topics.get(topic_id)
        if topic is None or topic.is_deleted or topic.merged_into_id is not None:
            docs[topic_id] = None
            continue
        docs[topic_id] = SearchDoc(
            kind=KIND,
            id=topic.id,
            title=topic.title,
            body=topic.body,
            also_asked="\n".join(also_asked.get(topic_id, [])),
            answers="\n\n".join(answers.get(topic_id, [])),
            type=topic.type,
            status=topic.status,
            category_id=topic.category_id,
            department_id=topic.department_id,
            author_id=topic.author_id,
            visibility=_visibility(topic),
            has_answer=topic.has_official_answer or topic.is_solved,
            popularity=math.log1p((topic.vote_count or 0) + (topic.comment_count or 0)),
            updated_at=topic.updated_at,
        )
    return docs


def all_ids(session: Session):
    return session.scalars(
        select(Topic.id).where(Topic.is_deleted.is_(False), Topic.merged_into_id.is_(None)).order_by(Topic.id)
    )


def present(scope: Scope, ids: list[int]) -> dict[int, dict]:
    """Display data for the hits the scope may see (the database has the last word on visibility).

    The topics are looked up by their keys alone and the database says which of them the scope may see in a
    column: with the visibility in the WHERE clause, SQLite without ANALYZE statistics walked ix_topics_listing
    (is_deleted, is_hidden) over every topic instead (10-25 ms of every suggestion at 100,000 topics,
    bench/README.md)."""
    if not ids:
        return {}
    visible = topic_clause(Topic, scope.is_staff, scope.user_id).label("visible")
    rows = db.session.execute(select(Topic, visible).where(Topic.id.in_(ids))).all()
    return {
        topic.id: {
            "title": topic.title,
            "url": url_for("community.topic", topic_id=topic.id, slug=topic.slug),
            "type": topic.type,
            "status": topic.status,
            "answered": topic.has_official_answer or topic.is_solved,
            "text": topic.body_text if topic.body_text is not None else plain_text(topic.body_html),
            "category_id": topic.category_id,
        }
        for topic, may_see in rows
        if may_see
    }


def register() -> None:
    register_kind(Kind(name=KIND, loader=load, all_ids=all_ids, present=present))


def touch(topic_id: int) -> None:
    """The topic (its text, answers, visibility, status, place or popularity) changed: reindex it after commit.
    Every service that writes a topic or one of its comments calls this."""
    outbox.enqueue(KIND, topic_id)
