"""Phrasings are capped per thread, de-duplicated and weighted below the title: they add a thread's missing
words without turning a much-asked thread into one that matches everything."""

from sqlalchemy import select

from app.extensions import db
from app.learning import services
from app.learning.models import Phrasing


def _found(client, words: str) -> list[int]:
    return [i["id"] for i in client.get("/api/v1/suggest", query_string={"title": words}).get_json()]


def test_the_weakest_unconfirmed_wording_makes_room_when_a_thread_is_full(app, make_topic):
    app.config["PHRASINGS_MAX_PER_THREAD"] = 2
    topic = make_topic(title="Card delivery status")
    services.vote("topic", topic.id, "plastic never came", "v1")
    services.vote("topic", topic.id, "plastic never came", "v2")
    services.vote("topic", topic.id, "where is the parcel", "v3")
    services.vote("topic", topic.id, "courier lost my card", "v4")  # full: "parcel" (1 customer, oldest) goes
    db.session.commit()

    kept = db.session.execute(select(Phrasing.text, Phrasing.customers).order_by(Phrasing.id)).all()
    assert kept == [("plastic never came", 2), ("courier lost my card", 1)]


def test_one_row_per_wording_and_only_the_strongest_are_indexed(app, client, make_topic):
    app.config["PHRASINGS_MIN_CUSTOMERS"] = 1
    app.config["PHRASINGS_INDEXED"] = 2
    topic = make_topic(title="Card delivery status", body="When does a new card arrive.")
    for voter in ("v1", "v2", "v3"):
        services.vote("topic", topic.id, "Zorblax never came!", voter)
    services.vote("topic", topic.id, "never came, ZORBLAX", "v4")  # the same words: the same phrasing
    services.vote("topic", topic.id, "quoggle went missing", "v5")
    services.vote("topic", topic.id, "card delivery status arrive", "v5")  # adds no word the thread lacks
    services.vote("topic", topic.id, "plimwort is lost", "v6")
    db.session.commit()

    assert db.session.scalar(select(Phrasing.customers).where(Phrasing.text == "Zorblax never came!")) == 4
    assert _found(client, "zorblax") == [topic.id]
    assert _found(client, "quoggle") == [topic.id]
    assert _found(client, "plimwort") == []  # a third wording with new words: over PHRASINGS_INDEXED


def test_a_phrasing_ranks_below_the_title(app, client, make_topic):
    app.config["PHRASINGS_MIN_CUSTOMERS"] = 1
    titled = make_topic(title="Zorblax fees explained", body="What we charge.")
    learnt = make_topic(title="Card delivery status", body="When does a new card arrive.")
    services.vote("topic", learnt.id, "zorblax fees", "v1")
    db.session.commit()

    assert _found(client, "zorblax fees") == [titled.id, learnt.id]
