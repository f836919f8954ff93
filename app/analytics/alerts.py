"""Mail to department leads about satisfaction: a low CSAT rating reaches them with the topic and the comment."""

from flask_babel import gettext as _

from app.extensions import db
from app.notify import links
from app.notify.compose import insert_mail
from app.notify.render import render_mails
from app.staff.access import leads_of

LOW_RATING = "low_rating"


def queue_low_rating(response, topic) -> set[str]:
    """Queue one e-mail per lead of the rated topic's department (in the caller's transaction)."""
    topic_url = links.public_url("community.topic", topic_id=topic.id, slug=topic.slug)
    rows = render_mails(
        leads_of(topic.department_id),
        "low_rating",
        links.DIGEST,
        lambda: _("Low rating (%(score)d of 5): %(title)s", score=response.score, title=topic.title),
        # No topic_id: leads do not follow the topic, and staff may see every topic anyway.
        lambda lead: {"dedup_key": f"csat:{response.id}:to:{lead.id}", "event": LOW_RATING},
        topic=topic,
        response=response,
        topic_url=topic_url,
    )
    return insert_mail(db.session, rows) if rows else set()
