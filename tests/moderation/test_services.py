"""Moderation rules: close/reopen, move, merge (votes, followers, chains), the "edited" mark."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.common import signals
from app.common.errors import DomainError, Forbidden
from app.community import services as community
from app.community.models import Comment, StatusChange, Topic, Vote
from app.extensions import db
from app.moderation import services
from app.moderation.models import ModerationAction
from app.notify import services as notify
from app.notify.models import Subscription


def _voters(topic) -> set[int]:
    return set(db.session.scalars(select(Vote.user_id).where(Vote.topic_id == topic.id)))


def _actions(topic) -> list[tuple[str, dict | None]]:
    return [
        (a.action, a.detail)
        for a in db.session.scalars(
            select(ModerationAction).where(ModerationAction.topic_id == topic.id).order_by(ModerationAction.id)
        )
    ]


# --- close / reopen -------------------------------------------------------------------------------------------


def test_a_closed_topic_takes_no_answers_until_reopened(scene):
    topic, moderator = scene["original"], scene["moderator"]

    services.close_topic(moderator, topic)
    db.session.commit()
    for author in (scene["other"], scene["rep_private"], moderator):
        with pytest.raises(DomainError, match="closed to new answers"):
            community.post_comment(author, topic, "One more thing.")
    db.session.rollback()

    services.reopen_topic(moderator, topic)
    community.post_comment(scene["other"], topic, "One more thing.")
    db.session.commit()
    assert topic.comment_count == 1
    assert [action for action, _ in _actions(topic)] == ["close", "reopen"]


def test_closing_twice_is_recorded_once(scene):
    services.close_topic(scene["moderator"], scene["original"])
    services.close_topic(scene["admin"], scene["original"])
    assert [action for action, _ in _actions(scene["original"])] == ["close"]


@pytest.mark.parametrize("role", ["customer", "rep_private", "other"])
def test_only_moderators_close_move_and_merge(scene, role):
    actor = scene[role]
    topic = scene["duplicate"]
    with pytest.raises(Forbidden):
        services.close_topic(actor, topic)
    with pytest.raises(Forbidden):
        services.move_topic(actor, topic, scene["acquiring"].id, "problem")
    with pytest.raises(Forbidden):
        services.merge_topic(actor, topic, scene["original"])
    assert (topic.is_closed, topic.category_id, topic.merged_into_id) == (False, scene["cards"].id, None)


def test_a_merged_topic_cannot_be_reopened(scene):
    services.merge_topic(scene["moderator"], scene["duplicate"], scene["original"])
    with pytest.raises(DomainError, match="stays closed"):
        services.reopen_topic(scene["moderator"], scene["duplicate"])


# --- move --------------------------------------------------------------------------------------------------------


def test_moving_to_another_category_hands_the_topic_to_its_department(scene):
    topic = scene["original"]
    moved = []

    def receiver(sender, **kwargs):
        moved.append((sender, kwargs))

    signals.topic_moved.connect(receiver)
    try:
        services.move_topic(scene["moderator"], topic, scene["acquiring"].id, "problem")
        db.session.commit()
    finally:
        signals.topic_moved.disconnect(receiver)

    assert (topic.category_id, topic.department_id) == (scene["acquiring"].id, scene["business"].id)
    assert topic.status == "open"
    assert moved == [
        (
            topic,
            {
                "actor": scene["moderator"],
                "old_category_id": scene["cards"].id,
                "old_department_id": scene["private"].id,
                "old_type": "problem",
            },
        )
    ]
    assert _actions(topic) == [
        ("move", {"from_category": "Cards", "to_category": "Acquiring", "from_type": "problem", "to_type": "problem"})
    ]


def test_a_status_the_new_type_lacks_starts_over_in_the_status_history(scene, make_topic):
    question = make_topic(author=scene["customer"], topic_type="question", category=scene["cards"])
    community.post_comment(scene["rep_private"], question, "Official answer.")  # open -> answered
    db.session.commit()
    assert question.status == "answered"

    services.move_topic(scene["moderator"], question, scene["cards"].id, "problem")
    db.session.commit()

    assert (question.type, question.status) == ("problem", "open")
    history = db.session.execute(
        select(StatusChange.old_status, StatusChange.new_status, StatusChange.actor_id)
        .where(StatusChange.topic_id == question.id)
        .order_by(StatusChange.id)
    ).all()
    assert history == [("open", "answered", scene["rep_private"].id), ("answered", "open", scene["moderator"].id)]


def test_a_status_the_new_type_has_is_kept(scene, make_topic):
    idea = make_topic(author=scene["customer"], topic_type="idea", category=scene["cards"], mood=None)
    services.move_topic(scene["moderator"], idea, scene["cards"].id, "praise")
    db.session.commit()
    assert (idea.type, idea.status) == ("praise", "new")
    assert db.session.scalar(select(func.count()).select_from(StatusChange)) == 0


@pytest.mark.parametrize(
    "category, topic_type, field",
    [
        ("same", "problem", "category_id"),
        (None, "problem", "category_id"),
        ("cards", "complaint", "type"),
    ],
)
def test_bad_moves_are_refused(scene, category, topic_type, field):
    category_id = {"same": scene["cards"].id, "cards": scene["cards"].id, None: 999_999}[category]
    with pytest.raises(DomainError) as error:
        services.move_topic(scene["moderator"], scene["original"], category_id, topic_type)
    assert error.value.field == field


# --- merge -------------------------------------------------------------------------------------------------------


def test_merge_moves_votes_without_double_votes(scene, make_user):
    original, duplicate = scene["original"], scene["duplicate"]
    both, only_dup, only_orig = make_user(), make_user(), make_user()
    for user in (both, only_orig):
        community.toggle_vote(user, original)
    for user in (both, only_dup, scene["customer"]):  # the original's author voted on the duplicate
        community.toggle_vote(user, duplicate)
    db.session.commit()
    assert (original.vote_count, duplicate.vote_count) == (2, 3)

    gained = services.merge_topic(scene["moderator"], duplicate, original)
    db.session.commit()

    # One vote each; the original's author cannot vote for their own topic; the duplicate's author has the
    # problem too, so they count once on the original.
    assert _voters(original) == {both.id, only_orig.id, only_dup.id, scene["other"].id}
    assert _voters(duplicate) == set()
    assert (original.vote_count, duplicate.vote_count, gained) == (4, 0, 2)


def test_the_duplicate_is_closed_points_to_the_original_and_keeps_its_answers(scene):
    original, duplicate = scene["original"], scene["duplicate"]
    answer = community.post_comment(scene["rep_private"], duplicate, "We are looking into it.")
    db.session.commit()

    services.merge_topic(scene["moderator"], duplicate, original)
    db.session.commit()

    assert (duplicate.is_closed, duplicate.merged_into_id, duplicate.is_hidden) == (True, original.id, False)
    assert db.session.get(Comment, answer.id).topic_id == duplicate.id
    assert _actions(duplicate) == [("merge", {"into": original.id, "title": original.title})]
    assert _actions(original) == [("merged_here", {"source": duplicate.id, "title": duplicate.title, "votes": 1})]
    with pytest.raises(DomainError, match="vote there"):
        community.toggle_vote(scene["customer"], duplicate)


def test_merge_announces_itself_so_followers_can_move(scene):
    seen = []

    def receiver(sender, **kwargs):
        seen.append((sender, kwargs))

    signals.topic_merged.connect(receiver)
    try:
        services.merge_topic(scene["moderator"], scene["duplicate"], scene["original"])
    finally:
        signals.topic_merged.disconnect(receiver)
    assert seen == [(scene["duplicate"], {"original": scene["original"], "actor": scene["moderator"]})]


def test_merge_moves_followers(scene, make_user):
    follower, unfollowed = make_user(), make_user()
    notify.follow_topic(follower, scene["duplicate"])
    notify.follow_topic(unfollowed, scene["duplicate"])
    notify.follow_topic(unfollowed, scene["original"])
    notify.unfollow_topic(unfollowed, scene["original"])  # an explicit "stop" on the original stays
    db.session.commit()

    services.merge_topic(scene["moderator"], scene["duplicate"], scene["original"])
    db.session.commit()

    following = dict(
        db.session.execute(
            select(Subscription.user_id, Subscription.is_following).where(Subscription.topic_id == scene["original"].id)
        ).all()
    )
    assert following[follower.id] is True
    assert following[scene["other"].id] is True  # the duplicate's author follows the original now
    assert following[unfollowed.id] is False


def test_merging_a_topic_others_were_merged_into_leaves_no_chains(scene, make_topic):
    first = make_topic(author=scene["customer"], topic_type="problem", category=scene["cards"])
    services.merge_topic(scene["moderator"], first, scene["duplicate"])
    services.merge_topic(scene["moderator"], scene["duplicate"], scene["original"])
    db.session.commit()
    db.session.refresh(first)
    assert first.merged_into_id == scene["original"].id


@pytest.mark.parametrize(
    "case, message",
    [
        ("itself", "cannot be merged into itself"),
        ("already merged", "already merged"),
        ("into a merged topic", "was itself merged"),
        ("into a hidden topic", "everyone can see"),
        ("public into private", "private topic by the same author"),
    ],
)
def test_impossible_merges_are_refused(scene, make_topic, case, message):
    moderator, original, duplicate = scene["moderator"], scene["original"], scene["duplicate"]
    third = make_topic(author=scene["customer"], topic_type="problem", category=scene["cards"])
    if case == "itself":
        original = duplicate
    elif case == "already merged":
        services.merge_topic(moderator, duplicate, third)
    elif case == "into a merged topic":
        services.merge_topic(moderator, original, third)
    elif case == "into a hidden topic":
        community.set_topic_hidden(moderator, original, True)
    elif case == "public into private":
        original.is_private = True
    db.session.flush()

    with pytest.raises(DomainError, match=message) as error:
        services.merge_topic(moderator, duplicate, original)
    assert error.value.field == "target"


def test_a_private_topic_merges_into_another_private_topic_of_the_same_author(scene, make_topic):
    first = make_topic(author=scene["customer"], topic_type="problem", category=scene["cards"], is_private=True)
    second = make_topic(author=scene["customer"], topic_type="problem", category=scene["cards"], is_private=True)
    services.merge_topic(scene["moderator"], second, first)
    assert second.merged_into_id == first.id


# --- the "edited" mark -------------------------------------------------------------------------------------------


def test_the_author_fixing_a_typo_right_away_leaves_no_mark(scene):
    topic = scene["original"]
    community.edit_topic(scene["customer"], topic, topic.title, "Fixed a typo.")
    assert (topic.edited_at, topic.edited_by_id) == (None, None)


def test_the_authors_later_edit_is_marked(scene):
    topic = scene["original"]
    topic.created_at -= community.EDIT_GRACE + timedelta(seconds=1)
    community.edit_topic(scene["customer"], topic, topic.title, "Update: it works again.")
    assert topic.edited_at is not None and topic.edited_by_id == scene["customer"].id


def test_a_moderators_edit_is_always_marked_with_the_moderator(scene):
    topic = scene["original"]
    community.edit_topic(scene["moderator"], topic, "Card declined at airports abroad (Riga)", topic.body)
    assert topic.edited_at is not None and topic.edited_by_id == scene["moderator"].id


def test_saving_without_changes_leaves_no_mark(scene):
    topic = scene["original"]
    community.edit_topic(scene["moderator"], topic, topic.title, topic.body)
    assert topic.edited_at is None


def test_models_keep_merge_links_in_the_database(scene):
    services.merge_topic(scene["moderator"], scene["duplicate"], scene["original"])
    db.session.commit()
    row = db.session.execute(select(Topic.merged_into_id, Topic.is_closed).where(Topic.id == scene["duplicate"].id))
    assert row.one() == (scene["original"].id, True)
