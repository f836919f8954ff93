"""The list totals come from topic_list_counts (app/community/counts.py), kept by every topic write: after each
change made through the pages people use, the tabs of the home and category pages show what a fresh COUNT says,
for customers and for staff."""

from sqlalchemy import select

from app.community import counts
from app.community.models import Topic, TopicListCount
from app.extensions import db
from tests.helpers import page


def _tabs(client, url: str) -> dict[str, int]:
    """The type tabs of a list page: {"All": n, "Questions": n, ...}."""
    tabs = {}
    for link in page(client.get(url)).find_all("a"):
        number = link.find("span", class_="n")
        if number is not None:
            tabs[link.text.replace(number.text, "").strip()] = int(number.text)
    return tabs


def _fresh_tabs(staff: bool, category_id: int | None = None) -> dict[str, int]:
    labels = {"question": "Questions", "problem": "Problems", "idea": "Ideas", "praise": "Praise"}
    tabs = dict.fromkeys(["All", *labels.values()], 0)
    for cat, kind, _state, n in counts.fresh_rows(staff):
        if category_id is None or cat == category_id:
            tabs["All"] += n
            tabs[labels[kind]] += n
    return tabs


def _check(reader, staff_client, community):
    """Both audiences, home and both category pages: the tabs equal a fresh count, and so do the kept rows."""
    db.session.expire_all()
    for staff, client in ((False, reader), (True, staff_client)):
        assert sorted(counts.rows(staff)) == sorted(counts.fresh_rows(staff))
        assert _tabs(client, "/?lang=en") == _fresh_tabs(staff)
        for name in ("cards", "acquiring"):
            category = community[name]
            assert _tabs(client, f"/c/{category.slug}?lang=en") == _fresh_tabs(staff, category.id)


def _ask(client, category, topic_type="question", title="My card was blocked abroad", **fields):
    data = {
        "type": topic_type,
        "title": title,
        "body": "It stopped working in Riga.",
        "category_id": str(category.id),
        "mood": "upset",
        "confirmed": "1",
        **fields,
    }
    assert client.post("/new", data).status_code == 302
    return db.session.scalar(select(Topic).where(Topic.title == title))


def test_the_list_counts_follow_every_change_made_through_the_pages(client_as, community, customer, make_user):
    reader, author = client_as(make_user()), client_as(customer)
    moderator, admin = client_as(community["moderator"]), client_as(community["admin"])
    _check(reader, admin, community)

    question = _ask(author, community["cards"], title="Card blocked in Riga airport")
    problem = _ask(author, community["cards"], "problem", title="Transfer stuck for two days")
    idea = _ask(author, community["acquiring"], "idea", title="Let me pay by QR code")
    private = _ask(author, community["cards"], "problem", title="My own private problem", is_private="y")
    _check(reader, admin, community)
    tabs = _tabs(reader, f"/c/{community['cards'].slug}?lang=en")
    assert tabs["All"] == 2 and tabs["Problems"] == 1  # the private problem is not the reader's
    assert _tabs(author, f"/c/{community['cards'].slug}?lang=en")["Problems"] == 2  # the author sees it

    # A comment changes nothing counted; a status change moves the topic between statuses.
    assert author.post(f"/t/{question.id}/comments", {"body": "Any news?"}).status_code == 302
    assert admin.post(f"/t/{problem.id}/status", {"status": "in_progress"}).status_code == 302
    assert any(state == "in_progress" and n == 1 for _cat, _kind, state, n in counts.rows(False))
    _check(reader, admin, community)

    # A move to another category and type, closing, hiding, showing again and deleting.
    response = moderator.post(f"/t/{question.id}/move", {"category_id": str(community["acquiring"].id), "type": "idea"})
    assert response.status_code == 302
    _check(reader, admin, community)
    assert moderator.post(f"/t/{problem.id}/close").status_code == 302
    _check(reader, admin, community)
    assert moderator.post(f"/t/{idea.id}/hide").status_code == 302
    _check(reader, admin, community)
    assert _tabs(reader, "/?lang=en")["All"] == 2 and _tabs(admin, "/?lang=en")["All"] == 4
    assert moderator.post(f"/t/{idea.id}/hide").status_code == 302  # visible again
    _check(reader, admin, community)
    assert author.post(f"/t/{private.id}/delete").status_code == 302
    assert moderator.post(f"/t/{problem.id}/delete").status_code == 302
    _check(reader, admin, community)
    assert _tabs(admin, "/?lang=en") == {"All": 2, "Questions": 0, "Problems": 0, "Ideas": 2, "Praise": 0}


def test_the_counts_go_with_the_topic_write_and_its_rollback(client_as, community, customer):
    from app.community import services

    author = client_as(customer)
    _ask(author, community["cards"], title="Card blocked in Riga airport")
    before = sorted(counts.rows(False))
    services.create_topic(customer, "question", "Another card question", "Details.", community["cards"].id, "upset")
    assert sorted(counts.rows(False)) == sorted(counts.fresh_rows(False)) != before  # same transaction
    db.session.rollback()
    assert sorted(counts.rows(False)) == before == sorted(counts.fresh_rows(False))
    # A refused post (a question without details) writes nothing either.
    data = {"type": "question", "title": "Nothing here", "body": "", "category_id": str(community["cards"].id)}
    assert author.post("/new", data | {"mood": "upset", "confirmed": "1"}).status_code == 422
    assert sorted(counts.rows(False)) == before


def test_recount_rebuilds_the_rows_from_the_topics(client_as, community, customer, runner):
    author = client_as(customer)
    _ask(author, community["cards"], title="Card blocked in Riga airport")
    _ask(author, community["acquiring"], "idea", title="Let me pay by QR code")
    assert "equal a fresh count" in runner.invoke(args=["community", "recount", "--check"]).output
    db.session.execute(TopicListCount.__table__.delete())  # as after a bulk SQL load of topics
    db.session.commit()
    assert counts.rows(True) == []
    checked = runner.invoke(args=["community", "recount", "--check"])
    assert checked.exit_code != 0 and "differ from a fresh count" in checked.output
    assert "List counts rebuilt: 2 rows." in runner.invoke(args=["community", "recount"]).output
    db.session.expire_all()
    assert sorted(counts.rows(True)) == sorted(counts.fresh_rows(True)) != []
    assert _tabs(author, "/?lang=en")["All"] == 2


def test_a_change_to_an_expired_topic_moves_it_between_the_right_rows(client_as, community, customer):
    """After a commit the topic's attributes are expired: setting one still loads the old value first, so the
    flush knows which row the topic leaves."""
    topic = _ask(client_as(customer), community["cards"], title="Card blocked in Riga airport")
    db.session.commit()  # expires the topic
    topic.category_id = community["acquiring"].id
    topic.status = "answered"
    db.session.commit()
    assert sorted(counts.rows(True)) == sorted(counts.fresh_rows(True))
    assert [(cat, kind, state) for cat, kind, state, _n in counts.rows(True)] == [
        (community["acquiring"].id, "question", "answered")
    ]
