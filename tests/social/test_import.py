"""Importing posts: a topic attributed to the external author, never twice; `flask import tweets FILE`."""

import json
from datetime import datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.auth import services as auth_services
from app.auth.models import User
from app.common.errors import DomainError, Forbidden
from app.community import services as community_services
from app.community.models import Topic
from app.extensions import db
from app.notify.models import MailMessage
from app.social import services
from app.social.models import ExternalAuthor, SocialImport
from tests.social.conftest import DATA, recorded


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _post(**changes) -> services.ExternalPost:
    data = {
        "network": "x",
        "external_id": "1790412345678901250",
        "url": "https://x.com/marta_travels/status/1790412345678901250",
        "text": "@examplebank my card was declined in Riga &amp; nobody answers",
        "handle": "Marta_Travels",
        "name": "Marta K.",
        "posted_at": datetime(2024, 5, 14, 16, 2, 11),
        "author_external_id": "1502345678",
    }
    data.update(changes)
    return services.ExternalPost(**data)


def test_a_post_becomes_a_topic_by_its_external_author(community):
    record, created = services.import_post(community["rep_private"], _post(), community["cards"].id, "problem")
    db.session.commit()

    topic = record.topic
    assert created
    assert (topic.type, topic.mood, topic.category_id, topic.department_id) == (
        "problem",
        "upset",
        community["cards"].id,
        community["private"].id,
    )
    assert topic.title == "my card was declined in Riga & nobody answers"
    assert topic.body == "@examplebank my card was declined in Riga & nobody answers"
    assert topic.author.display_name == "Marta K."
    author = record.external_author
    assert (author.network, author.handle, author.profile_url, author.external_id) == (
        "x",
        "marta_travels",
        "https://x.com/marta_travels",
        "1502345678",
    )
    assert (record.posted_at, record.imported_by_id) == (datetime(2024, 5, 14, 16, 2, 11), community["rep_private"].id)


def test_importing_the_same_post_again_returns_the_first_topic(community):
    first, _ = services.import_post(community["rep_private"], _post(), community["cards"].id, "problem")
    db.session.commit()

    again, created = services.import_post(
        community["admin"], _post(text="edited text"), community["acquiring"].id, "question"
    )
    db.session.commit()

    assert (again.id, created) == (first.id, False)
    assert (_count(Topic), _count(SocialImport), _count(ExternalAuthor)) == (1, 1, 1)


def test_the_database_refuses_a_second_import_of_a_post(community, make_topic):
    """The check in the service has a unique constraint behind it (two importers at the same moment)."""
    record, _ = services.import_post(None, _post(), community["cards"].id, "problem")
    other_topic = make_topic(category=community["cards"])
    db.session.add(
        SocialImport(
            network="x",
            external_id=record.external_id,
            url=record.url,
            text="x",
            external_author_id=record.external_author_id,
            topic_id=other_topic.id,
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_one_author_many_posts_one_placeholder_account(community):
    services.import_post(None, _post(), community["cards"].id, "problem")
    services.import_post(
        None,
        _post(external_id="2", url="https://x.com/marta_travels/status/2", text="and now the app is down"),
        community["cards"].id,
        "problem",
    )
    db.session.commit()
    [author] = db.session.scalars(select(ExternalAuthor)).all()
    assert db.session.scalar(select(func.count()).select_from(Topic).where(Topic.author_id == author.user_id)) == 2


def test_a_renamed_author_is_recognised_by_their_network_id(community):
    services.import_post(None, _post(), community["cards"].id, "problem")
    services.import_post(
        None,
        _post(external_id="2", handle="marta_home", name="Marta Home", url="https://x.com/marta_home/status/2"),
        community["cards"].id,
        "problem",
    )
    db.session.commit()
    [author] = db.session.scalars(select(ExternalAuthor)).all()
    assert (author.handle, author.name, author.user.display_name) == ("marta_home", "Marta Home", "Marta Home")


def test_the_placeholder_account_cannot_log_in_and_gets_no_mail(community):
    record, _ = services.import_post(None, _post(), community["cards"].id, "problem")
    db.session.commit()
    user = record.topic.author
    assert user.password_hash is None and user.email.endswith("@imported.invalid")
    assert auth_services.authenticate(user.email, "") is None

    community_services.post_comment(community["rep_private"], record.topic, "Sorry! We have unblocked your card.")
    db.session.commit()

    assert _count(MailMessage) > 0  # the answer did send mail (to the staff, say) ...
    assert user.id not in set(db.session.scalars(select(MailMessage.recipient_id)))  # ... but not to nobody


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"text": "   "}, "text"),
        ({"text": "x" * 10001}, "text"),
        ({"handle": "bad handle!"}, "handle"),
        ({"network": "myspace"}, "url"),
    ],
)
def test_bad_posts_are_refused_and_leave_nothing_behind(community, changes, field):
    users = _count(User)
    with pytest.raises(DomainError) as error:
        services.import_post(None, _post(**changes), community["cards"].id, "problem")
    assert error.value.field == field
    assert (_count(Topic), _count(ExternalAuthor), _count(User)) == (0, 0, users)


@pytest.mark.parametrize(
    "category, topic_type, mood, field",
    [
        (999999, "problem", None, "category_id"),
        ("1", "problem", None, "category_id"),
        ("cards", "idea", None, "topic_type"),
        ("cards", "problem", "furious", "mood"),
    ],
)
def test_bad_settings_are_refused(community, category, topic_type, mood, field):
    category_id = community["cards"].id if category == "cards" else category
    with pytest.raises(DomainError) as error:
        services.import_post(None, _post(), category_id, topic_type, mood)
    assert error.value.field == field
    assert _count(ExternalAuthor) == 0


def test_customers_cannot_import(community, customer):
    with pytest.raises(Forbidden):
        services.import_post(customer, _post(), community["cards"].id, "problem")


@pytest.mark.parametrize(
    "setting, text, expected",
    [
        ("auto", "how do I raise the limit?", ("question", "indifferent")),
        ("auto", "the app is down", ("problem", "upset")),
        ("question", "the app is down", ("question", "indifferent")),
    ],
)
def test_type_and_mood_follow_the_setting(community, setting, text, expected):
    record, _ = services.import_post(None, _post(text=text), community["cards"].id, setting)
    assert (record.topic.type, record.topic.mood) == expected


# --- flask import tweets FILE -----------------------------------------------------------------------------------


def test_import_tweets_from_a_file_is_idempotent(runner, community):
    path = str(DATA / "x_search_page1.json")

    result = runner.invoke(args=["import", "tweets", path, "--category", "cards"])

    assert result.exit_code == 0, result.output
    assert "Imported 2 new posts; 0 already imported; 1 skipped." in result.output
    assert "skipped tweet 1790409876543210001: a retweet" in result.output
    titles = set(db.session.scalars(select(Topic.title)))
    assert titles == {
        "my card was declined twice at the airport in Riga & nobody answers the hotline. What is going on?",
        "The mobile app logs me out every time I open the transfers screen. Reinstalled it, no change…",
    }

    again = runner.invoke(args=["import", "tweets", path, "--category", str(community["cards"].id)])

    assert again.exit_code == 0, again.output
    assert "Imported 0 new posts; 2 already imported; 1 skipped." in again.output
    assert (_count(Topic), _count(SocialImport), _count(ExternalAuthor)) == (2, 2, 2)


def test_a_file_of_several_pages_uses_the_configured_category_and_type(app, runner, community, tmp_path):
    path = tmp_path / "pages.json"
    path.write_text(json.dumps([recorded("x_search_page1.json"), recorded("x_search_page2.json")]))
    app.config.update(SOCIAL_IMPORT_CATEGORY="Acquiring", SOCIAL_IMPORT_TYPE="auto")

    result = runner.invoke(args=["import", "tweets", str(path)])

    assert result.exit_code == 0, result.output
    assert "Imported 3 new posts; 0 already imported; 2 skipped." in result.output
    rows = db.session.execute(select(Topic.type, Topic.mood, Topic.category_id).order_by(Topic.id)).all()
    acquiring = community["acquiring"].id
    assert rows == [
        ("question", "indifferent", acquiring),
        ("problem", "upset", acquiring),
        ("question", "indifferent", acquiring),
    ]
    # Marta wrote two of them: one external author, one placeholder account.
    assert _count(ExternalAuthor) == 2


@pytest.mark.parametrize(
    "args, message",
    [
        (["import", "tweets"], "Give either FILE or --recent."),
        (["import", "tweets", str(DATA / "x_search_page1.json")], "Choose a category"),
        (["import", "tweets", str(DATA / "x_search_page1.json"), "--category", "Nope"], "No category 'Nope'."),
        (
            ["import", "tweets", str(DATA / "x_search_page1.json"), "--recent", "--category", "Cards"],
            "Give either FILE or --recent.",
        ),
        (["import", "tweets", str(DATA / "missing.json"), "--category", "Cards"], "No such file"),
    ],
)
def test_command_line_mistakes_are_explained(runner, community, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code != 0 and message in result.output
    assert _count(Topic) == 0


def test_a_file_that_is_not_json_is_refused(runner, community, tmp_path):
    path = tmp_path / "tweets.json"
    path.write_bytes(b"\xff\xfe not json")
    result = runner.invoke(args=["import", "tweets", str(path), "--category", "Cards"])
    assert result.exit_code == 1 and "is not JSON" in result.output
