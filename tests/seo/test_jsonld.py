"""Structured data on topic, article and FAQ pages: it parses, has the right type and the required properties."""

import pytest

from app.community import services as community_services
from app.extensions import db
from tests.seo.helpers import json_ld

# What search engines require (and what we promise) for each type.
QUESTION_REQUIRED = {"@type", "name", "text", "answerCount", "dateCreated", "author", "upvoteCount"}
ANSWER_REQUIRED = {"@type", "text", "dateCreated", "author", "url", "upvoteCount"}
POSTING_REQUIRED = {
    "@type",
    "headline",
    "text",
    "author",
    "datePublished",
    "url",
    "interactionStatistic",
    "commentCount",
}
ARTICLE_REQUIRED = {"@type", "headline", "datePublished", "dateModified", "author", "publisher", "mainEntityOfPage"}


def topic_page(client, topic):
    response = client.get(f"/t/{topic.id}-{topic.slug}")
    assert response.status_code == 200
    return response


def only_block(response) -> dict:
    blocks = json_ld(response)
    assert len(blocks) == 1, blocks
    assert blocks[0]["@context"] == "https://schema.org"
    return blocks[0]


def check_person(person):
    assert person["@type"] == "Person" and person["name"] and person["url"].startswith("http://localhost/")


def check_answer(answer, topic, comment):
    assert answer.keys() >= ANSWER_REQUIRED, answer
    assert answer["@type"] == "Answer"
    assert answer["text"] == comment.body
    assert answer["url"] == f"http://localhost/t/{topic.id}-{topic.slug}#c{comment.id}"
    check_person(answer["author"])


def test_question_with_official_answer_is_a_qa_page(app, client, make_topic, make_user, customer, community):
    topic = make_topic(
        author=customer, title="Как поменять ПИН-код?", body="Забыл ПИН, что делать?", category=community["cards"]
    )
    community_services.post_comment(make_user(), topic, "Me too, following.")
    official = community_services.post_comment(community["rep_private"], topic, "Change it in the app: Cards → PIN.")
    db.session.commit()
    data = only_block(topic_page(client, topic))
    assert data["@type"] == "QAPage"
    question = data["mainEntity"]
    assert question.keys() >= QUESTION_REQUIRED, question
    assert question["@type"] == "Question"
    assert question["name"] == "Как поменять ПИН-код?" and question["text"] == "Забыл ПИН, что делать?"
    assert question["answerCount"] == 2
    check_person(question["author"])
    assert "acceptedAnswer" not in question
    assert len(question["suggestedAnswer"]) == 1
    check_answer(question["suggestedAnswer"][0], topic, official)


def test_solution_is_the_accepted_answer(app, client, make_topic, make_user, customer, community):
    topic = make_topic(
        author=customer, topic_type="problem", title="The app crashes on start", category=community["cards"]
    )
    helper_comment = community_services.post_comment(make_user(), topic, "Reinstalling helped me.")
    official = community_services.post_comment(community["rep_private"], topic, "We are looking into it.")
    community_services.mark_solution(customer, topic, helper_comment.id)
    db.session.commit()
    question = only_block(topic_page(client, topic))["mainEntity"]
    check_answer(question["acceptedAnswer"], topic, helper_comment)
    assert [a["text"] for a in question["suggestedAnswer"]] == [official.body]


def test_official_solution_is_not_repeated_as_a_suggestion(app, client, make_topic, customer, community):
    topic = make_topic(author=customer, category=community["cards"])
    official = community_services.post_comment(community["rep_private"], topic, "Here is the answer.")
    community_services.mark_solution(customer, topic, official.id)
    db.session.commit()
    question = only_block(topic_page(client, topic))["mainEntity"]
    check_answer(question["acceptedAnswer"], topic, official)
    assert "suggestedAnswer" not in question


@pytest.mark.parametrize("topic_type, mood", [("idea", None), ("praise", None), ("question", "upset")])
def test_other_topics_are_discussion_forum_postings(
    app, client, make_topic, make_user, customer, community, topic_type, mood
):
    topic = make_topic(
        author=customer,
        topic_type=topic_type,
        mood=mood,
        title="Let us pay by QR code",
        body="It would be **handy**.",
        category=community["cards"],
    )
    comment = community_services.post_comment(make_user(), topic, "Yes please!")
    db.session.commit()
    data = only_block(topic_page(client, topic))
    assert data["@type"] == "DiscussionForumPosting"
    assert data.keys() >= POSTING_REQUIRED, data
    assert data["headline"] == "Let us pay by QR code" and data["text"] == "It would be handy."
    assert data["url"] == f"http://localhost/t/{topic.id}-{topic.slug}"
    assert data["commentCount"] == 1
    counters = {c["interactionType"]: c["userInteractionCount"] for c in data["interactionStatistic"]}
    assert counters["https://schema.org/CommentAction"] == 1
    check_person(data["author"])
    assert data["comment"][0]["text"] == comment.body and data["comment"][0]["@type"] == "Comment"


def test_private_and_hidden_topics_have_no_structured_data(app, client_as, make_topic, customer, community):
    private = make_topic(author=customer, is_private=True, category=community["cards"])
    hidden = make_topic(author=customer, category=community["cards"])
    community_services.set_topic_hidden(community["moderator"], hidden, True)
    db.session.commit()
    assert json_ld(topic_page(client_as(customer), private)) == []
    assert json_ld(topic_page(client_as(community["moderator"]), hidden)) == []


def test_hidden_comments_stay_out_even_when_staff_look(app, client_as, make_topic, make_user, customer, community):
    from app.community.models import Comment

    topic = make_topic(author=customer, topic_type="idea", mood=None, category=community["cards"])
    shown = community_services.post_comment(make_user(), topic, "Visible comment")
    hidden = community_services.post_comment(make_user(), topic, "Spam comment")
    db.session.get(Comment, hidden.id).is_hidden = True
    db.session.commit()
    data = only_block(topic_page(client_as(community["moderator"]), topic))
    assert [c["text"] for c in data["comment"]] == [shown.body]


def test_script_breaking_text_stays_inside_the_json(app, client, make_topic, customer, community):
    title = "Ends </script><script>alert(1)</script> here"
    topic = make_topic(
        author=customer,
        topic_type="idea",
        mood=None,
        title=title,
        body="</script><!-- <script> & 'quotes'",
        category=community["cards"],
    )
    response = topic_page(client, topic)
    html = response.get_data(as_text=True)
    script = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in script and ">" not in script
    data = only_block(response)
    assert data["headline"] == title
    assert data["text"] == "</script><!-- <script> & 'quotes'"


def test_article_page_has_article_data(app, client, make_article, community):
    article = make_article(
        title="Как заблокировать карту",
        body="Откройте приложение.\n\n![схема](/media/" + "a" * 32 + ".png)",
        category=community["cards"],
    )
    response = client.get(f"/kb/{article.id}-{article.slug}")
    assert response.status_code == 200
    data = only_block(response)
    assert data["@type"] == "Article"
    assert data.keys() >= ARTICLE_REQUIRED, data
    assert data["headline"] == "Как заблокировать карту"
    url = f"http://localhost/kb/{article.id}-kak-zablokirovat-kartu"
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert data["publisher"]["@type"] == "Organization" and data["publisher"]["name"]
    assert data["author"]["name"]
    assert data["image"] == [f"http://localhost/media/{'a' * 32}.png"]
    assert data["datePublished"].endswith("+00:00") and data["dateModified"] >= data["datePublished"]


def test_draft_article_has_none(app, client_as, make_article, community):
    article = make_article(publish=False, category=community["cards"])
    response = client_as(community["rep_private"]).get(f"/kb/{article.id}-{article.slug}")
    assert response.status_code == 200 and json_ld(response) == []


def test_faq_list_is_an_faq_page(app, client, make_article, community):
    first = make_article(title="How do I block a card?", body="In the app.", category=community["cards"])
    second = make_article(title="How do I order a card?", body="At any branch.", category=community["cards"])
    make_article(title="A draft nobody sees", category=community["cards"], publish=False)
    response = client.get("/kb/")
    assert response.status_code == 200
    faq = [block for block in json_ld(response) if block["@type"] == "FAQPage"]
    assert len(faq) == 1
    questions = faq[0]["mainEntity"]
    assert [q["name"] for q in questions] == [first.title, second.title]
    for question, article in zip(questions, (first, second)):
        assert question["@type"] == "Question"
        assert question["acceptedAnswer"]["@type"] == "Answer"
        assert question["acceptedAnswer"]["text"] == article.body


def test_empty_faq_has_no_faq_page(app, client):
    response = client.get("/kb/")
    assert response.status_code == 200
    assert [b for b in json_ld(response) if b["@type"] == "FAQPage"] == []
