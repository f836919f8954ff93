"""Knowledge-base rules, through the services."""

import pytest
from sqlalchemy import select

from app.common.errors import DomainError, Forbidden, NotFound
from app.community import services as community_services
from app.extensions import db
from app.kb import services
from app.kb.models import Article, ArticleFeedback, ArticleRevision


def _revisions(article) -> list[tuple[int, str, str, int | None]]:
    return [
        (r.number, r.title, r.body, r.restored_from)
        for r in db.session.scalars(
            select(ArticleRevision).where(ArticleRevision.article_id == article.id).order_by(ArticleRevision.number)
        )
    ]


def test_a_new_article_is_a_draft_with_its_first_revision(community):
    rep = community["rep_private"]
    article = services.create_article(
        rep, "  How to  unblock a card ", "Call us <script>x</script> **now**.", community["cards"].id
    )
    db.session.commit()

    assert (article.status, article.title, article.published_at) == ("draft", "How to unblock a card", None)
    assert article.department_id == community["private"].id  # the category's department by default
    assert "<script>" not in article.body_html and "<strong>now</strong>" in article.body_html
    assert _revisions(article) == [(1, "How to unblock a card", "Call us <script>x</script> **now**.", None)]
    assert article.slug == "how-to-unblock-a-card"


def test_the_department_responsible_can_be_chosen(community):
    article = services.create_article(
        community["admin"],
        "Acquiring terminals",
        "Text.",
        community["cards"].id,
        department_id=community["business"].id,
    )
    assert article.department_id == community["business"].id
    with pytest.raises(DomainError) as error:
        services.create_article(
            community["admin"], "Acquiring terminals", "Text.", community["cards"].id, department_id=999_999
        )
    assert error.value.field == "department_id"


@pytest.mark.parametrize("role", ["customer", "moderator"])
def test_only_representatives_and_admins_write(make_user, community, role):
    with pytest.raises(Forbidden):
        services.create_article(make_user(role), "A valid title", "Body.", community["cards"].id)


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"title": "abc"}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"body": "x" * 50_001}, "body"),
        ({"category_id": 999_999}, "category_id"),
        ({"category_id": "1"}, "category_id"),
    ],
)
def test_create_article_checks_its_input(community, kwargs, field):
    data = {"title": "A valid title", "body": "Body.", "category_id": community["cards"].id, **kwargs}
    with pytest.raises(DomainError) as error:
        services.create_article(community["rep_private"], **data)
    assert error.value.field == field


def test_publishing_needs_a_text_and_puts_the_article_last_in_its_faq(make_article, community):
    first = make_article(category=community["cards"])
    empty = make_article(category=community["cards"], body="", publish=False)
    with pytest.raises(DomainError):
        services.publish_article(community["rep_private"], empty)

    second = make_article(category=community["cards"], publish=False)
    services.publish_article(community["rep_private"], second)
    db.session.commit()

    assert second.status == "published" and second.published_at is not None
    assert second.position > first.position


def test_unpublish_and_publish_again_keep_the_first_publication_date(make_article, community):
    article = make_article()
    published_at = article.published_at
    services.unpublish_article(community["rep_private"], article)
    assert article.status == "draft"
    services.publish_article(community["rep_business"], article)
    assert (article.status, article.published_at) == ("published", published_at)


def test_every_edit_of_the_text_is_a_revision_with_author(make_article, community):
    article = make_article(title="Card limits", body="Version one.", author=community["rep_private"])
    category = community["cards"].id

    assert services.edit_article(community["rep_business"], article, "Card limits", "Version two.", category)
    assert services.edit_article(community["admin"], article, "Card limits", "Version two.", category) is None
    services.edit_article(community["admin"], article, "Card limits and fees", "Version two.", category)
    db.session.commit()

    revisions = db.session.scalars(
        select(ArticleRevision).where(ArticleRevision.article_id == article.id).order_by(ArticleRevision.number)
    ).all()
    assert [(r.number, r.title, r.body, r.author_id) for r in revisions] == [
        (1, "Card limits", "Version one.", community["rep_private"].id),
        (2, "Card limits", "Version two.", community["rep_business"].id),
        (3, "Card limits and fees", "Version two.", community["admin"].id),
    ]
    assert article.revision_count == 3


def test_an_edit_started_from_an_older_revision_is_refused(make_article, community):
    article = make_article(body="Version one.")
    services.edit_article(
        community["rep_private"], article, article.title, "Version two.", community["cards"].id, base_revision=1
    )
    db.session.commit()
    with pytest.raises(DomainError):
        services.edit_article(
            community["rep_business"], article, article.title, "My version.", community["cards"].id, base_revision=1
        )
    assert article.body == "Version two."


def test_a_published_article_cannot_be_emptied(make_article, community):
    article = make_article()
    with pytest.raises(DomainError) as error:
        services.edit_article(community["rep_private"], article, article.title, "  ", article.category_id)
    assert error.value.field == "body"


def test_restore_brings_an_earlier_text_back_as_a_new_revision(make_article, community):
    article = make_article(title="Old title", body="Old *text*.")
    services.edit_article(community["rep_private"], article, "New title", "New text.", article.category_id)
    db.session.commit()

    revision = services.restore_revision(community["admin"], article, 1)
    db.session.commit()

    assert (revision.number, revision.restored_from, revision.author_id) == (3, 1, community["admin"].id)
    assert (article.title, article.body) == ("Old title", "Old *text*.")
    assert "<em>text</em>" in article.body_html
    assert [r[0] for r in _revisions(article)] == [1, 2, 3]
    with pytest.raises(NotFound):
        services.restore_revision(community["admin"], article, 99)
    with pytest.raises(Forbidden):
        services.restore_revision(community["moderator"], article, 2)


def test_staff_order_the_faq_of_a_category(make_article, community):
    rep = community["rep_private"]
    a, b, c = (make_article(title=f"Question {n}", category=community["cards"]) for n in "abc")
    other = make_article(category=community["acquiring"])

    services.move_article(rep, c, "up")  # a c b
    services.move_article(rep, a, "down")  # c a b
    services.move_article(rep, a, "down")  # c b a
    services.move_article(rep, a, "down")  # already last: stays
    db.session.commit()

    order = db.session.scalars(
        select(Article.title).where(Article.category_id == community["cards"].id).order_by(Article.position)
    ).all()
    assert order == ["Question c", "Question b", "Question a"]
    assert other.position == 1
    with pytest.raises(DomainError):
        services.move_article(rep, a, "sideways")


def test_helpfulness_is_one_answer_per_user(make_article, make_user):
    article = make_article()
    reader, other = make_user(), make_user()

    services.give_feedback(reader, article, True)
    services.give_feedback(reader, article, False, "  Nothing about fees.  ")
    services.give_feedback(other, article, True)
    db.session.commit()

    rows = {(f.user_id, f.is_helpful, f.comment) for f in db.session.scalars(select(ArticleFeedback))}
    assert rows == {(reader.id, False, "Nothing about fees."), (other.id, True, "")}


def test_feedback_and_comments_only_on_published_articles(make_article, make_user):
    draft = make_article(publish=False)
    with pytest.raises(NotFound):
        services.give_feedback(make_user(), draft, True)
    with pytest.raises(NotFound):
        services.post_article_comment(make_user(), draft, "Hello")


def test_comment_moderation(make_article, make_user, community):
    article = make_article()
    author, stranger = make_user(), make_user()
    comment = services.post_article_comment(author, article, "Thanks! <img src=x onerror=alert(1)>")
    assert "<img" not in comment.body_html

    with pytest.raises(Forbidden):
        services.set_article_comment_hidden(stranger, comment, True)
    with pytest.raises(Forbidden):
        services.set_article_comment_hidden(community["rep_private"], comment, True)
    services.set_article_comment_hidden(community["moderator"], comment, True)
    assert comment.is_hidden
    with pytest.raises(Forbidden):
        services.delete_article_comment(stranger, comment)
    services.delete_article_comment(author, comment)
    assert comment.is_deleted


# ---------------------------------------------------------------- 'Add to FAQ'


@pytest.fixture
def answered(make_topic, customer, community):
    """A customer's question with a representative's official answer and a customer's reply."""
    topic = make_topic(author=customer, category=community["cards"], title="Can I raise my card limit?")
    community_services.post_comment(community["rep_private"], topic, "Yes: in the app, *Cards → Limits*.")
    community_services.post_comment(customer, topic, "Thank you!")
    db.session.commit()
    return topic


def test_the_draft_from_a_topic_takes_question_answer_and_category(answered, community):
    data = services.draft_from_topic(community["rep_business"], answered)
    assert data == {
        "title": "Can I raise my card limit?",
        "body": "Yes: in the app, *Cards → Limits*.",
        "category_id": community["cards"].id,
        "department_id": community["private"].id,
        "source_topic_id": answered.id,
    }


def test_a_marked_solution_is_preferred_to_the_official_answers(answered, customer):
    reply = [c for c in answered.comments if not c.is_official][0]
    community_services.mark_solution(customer, answered, reply.id)
    assert services.source_answer_text(answered) == "Thank you!"


def test_only_answered_questions_and_problems_can_be_promoted(make_topic, answered, customer, community):
    rep = community["rep_private"]
    with pytest.raises(Forbidden):
        services.draft_from_topic(customer, answered)
    with pytest.raises(Forbidden):
        services.draft_from_topic(rep, make_topic(category=community["cards"]))  # no answer yet
    idea = make_topic(topic_type="idea", mood=None, category=community["cards"])
    community_services.post_comment(rep, idea, "Good idea.")
    with pytest.raises(Forbidden):
        services.draft_from_topic(rep, idea)


def test_one_article_per_source_topic(answered, community):
    rep = community["rep_private"]
    article = services.create_article(rep, "Card limit", "Answer.", community["cards"].id, source_topic_id=answered.id)
    assert article.source_topic_id == answered.id
    assert services.article_from_topic(answered.id) is article
    with pytest.raises(DomainError):
        services.create_article(rep, "Card limit again", "Answer.", community["cards"].id, source_topic_id=answered.id)
