"""The hand-off service announces itself (signals.topic_handed_off) inside the transaction, with everything a
listener needs: the topic, both departments, the actor, the note and the history row. A refused hand-off
announces nothing."""

import pytest

from app.common import signals
from app.common.errors import DomainError
from app.extensions import db
from app.staff import services


@pytest.fixture
def topic(make_topic, customer, staff):
    return make_topic(author=customer, title="Terminal for my shop", category=staff["cards"])


def test_a_hand_off_sends_the_signal_before_commit(topic, staff):
    received = []

    def listener(sender, **kwargs):
        received.append((sender, kwargs, db.session().in_transaction()))

    with signals.topic_handed_off.connected_to(listener):
        entry = services.hand_off_topic(staff["rep_private"], topic, staff["business"], "  It is acquiring.  ")
        assert len(received) == 1  # sent by the service, before the route commits
        db.session.commit()

    sender, kwargs, in_transaction = received[0]
    assert sender is topic and in_transaction
    assert kwargs == {
        "actor": staff["rep_private"],
        "from_department": staff["private"],
        "to_department": staff["business"],
        "note": "It is acquiring.",
        "assignment": entry,
    }
    assert entry.id is not None  # flushed: listeners may key on it


def test_a_refused_hand_off_sends_nothing(topic, staff):
    received = []
    with signals.topic_handed_off.connected_to(lambda sender, **kwargs: received.append(sender)):
        with pytest.raises(DomainError):
            services.hand_off_topic(staff["rep_private"], topic, staff["business"], "   ")
        with pytest.raises(DomainError):
            services.hand_off_topic(staff["rep_private"], topic, staff["private"], "Ours already.")
    assert received == []
