"""Customer satisfaction: CSAT when a topic is solved (asked of its author once, on the page and in the e-mail),
NPS once a quarter for active participants (dismissible). Low ratings are e-mailed to the department's leads."""

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, or_, select

from app.analytics.models import CsatResponse, NpsResponse
from app.common.db import utcnow
from app.common.errors import DomainError
from app.community.models import Comment, Topic
from app.extensions import db

COMMENT_MAX = 2000
LOW_SCORE = 2  # a CSAT of 1 or 2 reaches the department's leads
ACTIVE_DAYS = 90  # NPS is asked of people who posted or commented in this many days


def quarter_of(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def _clean_comment(text) -> str:
    text = " ".join(str(text or "").split())
    if len(text) > COMMENT_MAX:
        raise DomainError(_l("Keep the comment under %(n)d characters.", n=COMMENT_MAX), field="comment")
    return text


def is_solved(topic: Topic) -> bool:
    from app.community import kinds

    return topic.solution_comment_id is not None or topic.status == kinds.SOLVED_STATUS.get(topic.type)


def csat_open(user, topic: Topic) -> bool:
    """Whether `user` is asked to rate `topic` now: its author, the topic solved, not rated yet."""
    if user is None or not getattr(user, "is_authenticated", False) or user.id != topic.author_id:
        return False
    if not is_solved(topic):
        return False
    return not db.session.scalar(select(exists().where(CsatResponse.topic_id == topic.id)))


def _representative_id(topic: Topic) -> int | None:
    """Who answered: the first official answer's author, else the solution's."""
    first = db.session.scalar(
        select(Comment.author_id)
        .where(Comment.topic_id == topic.id, Comment.is_official.is_(True), Comment.is_deleted.is_(False))
        .order_by(Comment.id)
    )
    if first is None and topic.solution_comment_id:
        first = db.session.scalar(select(Comment.author_id).where(Comment.id == topic.solution_comment_id))
    return first


def rate_topic(user, topic: Topic, solved, score, comment="") -> CsatResponse:
    if not csat_open(user, topic):
        raise DomainError(_l("You cannot rate this topic, or you have rated it already."), field="score")
    if solved not in (True, False):
        raise DomainError(_l("Tell us whether this solved your problem."), field="solved")
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise DomainError(_l("Choose a rating from 1 to 5."), field="score")
    response = CsatResponse(
        topic_id=topic.id,
        user_id=user.id,
        solved=solved,
        score=score,
        comment=_clean_comment(comment),
        department_id=topic.department_id,
        representative_id=_representative_id(topic),
    )
    db.session.add(response)
    db.session.flush()
    if score <= LOW_SCORE:
        from app.analytics import alerts

        alerts.queue_low_rating(response, topic)
    return response


def _active(user, since) -> bool:
    return bool(
        db.session.scalar(
            select(
                or_(
                    exists().where(Topic.author_id == user.id, Topic.created_at >= since),
                    exists().where(Comment.author_id == user.id, Comment.created_at >= since),
                )
            )
        )
    )


def nps_open(user, today: date | None = None) -> bool:
    """An active customer who has not answered or dismissed the question this quarter."""
    if user is None or not getattr(user, "is_authenticated", False) or getattr(user, "role", "") != "customer":
        return False
    today = today or utcnow().date()
    answered = db.session.scalar(
        select(exists().where(NpsResponse.user_id == user.id, NpsResponse.quarter == quarter_of(today)))
    )
    return not answered and _active(user, utcnow() - timedelta(days=ACTIVE_DAYS))


def answer_nps(user, score, comment="", today: date | None = None) -> NpsResponse:
    """`score` 0–10, or None to dismiss the question until next quarter."""
    today = today or utcnow().date()
    if not nps_open(user, today):
        raise DomainError(_l("You have already answered this question this quarter."), field="score")
    if score is not None and (not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= 10):
        raise DomainError(_l("Choose a number from 0 to 10."), field="score")
    response = NpsResponse(
        user_id=user.id,
        quarter=quarter_of(today),
        score=score,
        comment=_clean_comment(comment) if score is not None else "",
    )
    db.session.add(response)
    db.session.flush()
    return response


def nps_score(responses: list[int]) -> float | None:
    """% promoters (9–10) minus % detractors (0–6), from -100 to 100."""
    if not responses:
        return None
    promoters = sum(1 for s in responses if s >= 9)
    detractors = sum(1 for s in responses if s <= 6)
    return 100.0 * (promoters - detractors) / len(responses)
