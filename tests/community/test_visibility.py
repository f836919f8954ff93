"""Private and hidden topics (and hidden comments) stay out of every page of people who may not see them."""

import pytest

from app.community import services
from app.extensions import db
from tests.helpers import db_snapshot, page

VIEWERS = ["anonymous", "stranger", "author", "rep_business", "moderator", "admin"]
SEES_PRIVATE = {"author", "rep_business", "moderator", "admin"}
SEES_HIDDEN = {"rep_business", "moderator", "admin"}


@pytest.fixture
def world(make_topic, customer, community):
    """Three topics by the customer: public, private and hidden (by a moderator), each answered by a rep."""
    topics, answers = {}, {}
    for kind in ("public", "private", "hidden"):
        topic = make_topic(
            author=customer,
            category=community["cards"],
            title=f"Zebra {kind} topic title",
            is_private=kind == "private",
        )
        answers[kind] = services.post_comment(community["rep_private"], topic, f"Rep answer on the {kind} topic")
        answers[f"{kind} by author"] = services.post_comment(customer, topic, f"Author note on the {kind} topic")
        topics[kind] = topic
    topics["hidden"].is_hidden = True
    hidden_comment = services.post_comment(community["rep_private"], topics["public"], "A hidden comment text")
    hidden_comment.is_hidden = True
    db.session.commit()
    return {"topics": topics, "author": customer, "rep": community["rep_private"], **community}


@pytest.fixture
def viewer(request, world, client_as, make_user):
    who = request.param
    if who == "anonymous":
        return who, client_as()
    user = make_user() if who == "stranger" else world[who]
    return who, client_as(user)


def _text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return page(response).find("main").text


def _places(client, world, kind: str) -> dict[str, bool]:
    """Where the topic of `kind` (or its answers) shows up for this client."""
    topic = world["topics"][kind]
    title = f"Zebra {kind} topic title"
    return {
        "home": title in _text(client, "/"),
        f"home ?type={topic.type}": title in _text(client, f"/?type={topic.type}"),
        "topic page": client.get(f"/t/{topic.id}-{topic.slug}").status_code == 200,
        "author's profile": title in _text(client, f"/u/{world['author'].id}"),
        "rep's comments": f"Rep answer on the {kind} topic" in _text(client, f"/u/{world['rep'].id}?tab=comments"),
        "author's comments": f"Author note on the {kind} topic"
        in _text(client, f"/u/{world['author'].id}?tab=comments"),
    }


@pytest.mark.parametrize("viewer", VIEWERS, indirect=True)
def test_a_public_topic_shows_everywhere(world, viewer):
    who, client = viewer

    assert _places(client, world, "public") == dict.fromkeys(_places(client, world, "public"), True)


@pytest.mark.parametrize("viewer", VIEWERS, indirect=True)
def test_a_private_topic_shows_only_to_its_author_and_staff(world, viewer):
    who, client = viewer
    places = _places(client, world, "private")

    assert places == dict.fromkeys(places, who in SEES_PRIVATE)


@pytest.mark.parametrize("viewer", VIEWERS, indirect=True)
def test_a_hidden_topic_shows_only_to_staff(world, viewer):
    who, client = viewer
    places = _places(client, world, "hidden")

    assert places == dict.fromkeys(places, who in SEES_HIDDEN)


@pytest.mark.parametrize("viewer", VIEWERS, indirect=True)
def test_a_hidden_comment_shows_only_to_staff(world, viewer):
    who, client = viewer
    public = world["topics"]["public"]

    on_topic = "A hidden comment text" in _text(client, f"/t/{public.id}-{public.slug}")
    on_profile = "A hidden comment text" in _text(client, f"/u/{world['rep'].id}?tab=comments")

    assert (on_topic, on_profile) == (who in SEES_HIDDEN, who in SEES_HIDDEN)


@pytest.mark.parametrize("viewer", ["stranger"], indirect=True)
def test_others_cannot_act_on_a_private_topic(world, viewer):
    _, client = viewer
    private = world["topics"]["private"]
    before = db_snapshot()

    for url, data in [
        (f"/t/{private.id}/comments", {"body": "Let me in"}),
        (f"/t/{private.id}/vote", {}),
        (f"/t/{private.id}/solution", {"comment_id": str(world["topics"]["private"].comments[0].id)}),
        (f"/t/{private.id}/status", {"status": "answered"}),
    ]:
        assert client.post(url, data).status_code == 404, url
    assert db_snapshot() == before
