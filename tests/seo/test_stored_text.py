"""Issue 11, cost of a page: a topic's and a comment's plain text is computed once when written (body_text) and
the page's meta description, its JSON-LD and search hits read it: none of them re-parses the HTML on a view."""

from sqlalchemy import update

from app.common.html import plain_text
from app.community import search_docs
from app.community import services as community_services
from app.community.models import Comment, Topic
from app.extensions import db
from app.search.documents import Scope
from tests.seo.helpers import json_ld, meta

TOPIC_MARKER = "TOPIC-STORED-TEXT only here"
COMMENT_MARKER = "COMMENT-STORED-TEXT only here"


def test_topic_pages_json_ld_and_search_read_the_stored_plain_text(client, make_topic, community):
    topic = make_topic(category=community["cards"], body="A **bold** claim & 4 < 5", title="Where is my card")
    comment = community_services.post_comment(community["rep_private"], topic, "We *sent* it & it is < 2 days away.")
    db.session.commit()
    assert topic.body_text == plain_text(topic.body_html) and "<strong>" not in topic.body_text
    assert comment.body_text == plain_text(comment.body_html) and "&lt;" not in comment.body_text

    db.session.execute(update(Topic).where(Topic.id == topic.id).values(body_text=TOPIC_MARKER))
    db.session.execute(update(Comment).where(Comment.id == comment.id).values(body_text=COMMENT_MARKER))
    db.session.commit()
    db.session.expire_all()

    response = client.get(f"/t/{topic.id}-{topic.slug}")
    assert meta(response)["description"] == [TOPIC_MARKER]
    [data] = json_ld(response)
    question = data.get("mainEntity", data)
    assert question["text"] == TOPIC_MARKER
    answers = question.get("suggestedAnswer") or data.get("comment")
    assert [answer["text"] for answer in answers] == [COMMENT_MARKER]
    with client.application.test_request_context():
        assert search_docs.present(Scope(), [topic.id])[topic.id]["text"] == TOPIC_MARKER
