"""Without app.learning the application works: staff pages show no phrasings link, the ask form's clicks
are still recorded, and a merged duplicate's title still makes the original findable."""

import pytest

from app import FEATURES, create_app
from app.extensions import db
from tests.conftest import PG_URL, IsolatedFlaskClient, _config_for, _reset_postgres
from tests.helpers import page, with_search_backend

WITHOUT_LEARNING = [f for f in FEATURES if f != "app.learning"]


@pytest.fixture
def app(tmp_path):
    app = create_app(_config_for(tmp_path), features=WITHOUT_LEARNING)
    app.test_client_class = IsolatedFlaskClient
    with app.app_context():
        if PG_URL:
            _reset_postgres()
        else:
            db.create_all()
        yield from with_search_backend(app)
        db.session.remove()
        db.engine.dispose()


def test_without_learning_the_app_works(app, client_as, make_topic, make_user):
    assert not [r.rule for r in app.url_map.iter_rules() if r.endpoint.startswith("learning.")]
    original = make_topic(title="Card delivery status", body="Where is my new card?")
    duplicate = make_topic(title="Still no zorblax after two weeks", body="Nothing arrived.")
    moderator = client_as(make_user(role="moderator"))

    topic_page = moderator.get(f"/t/{original.id}", follow_redirects=True)
    assert topic_page.status_code == 200
    assert page(topic_page).find("p", class_="phrasings-link") is None
    assert page(topic_page).find("section", id="suggestion-solved") is None
    visitor = client_as()
    clicked = visitor.post_raw(
        "/api/v1/events",
        json={"event": "suggestion_clicked", "draft": "draft-0001", "kind": "topic", "id": original.id, "text": "hi"},
        headers={"X-CSRFToken": visitor.csrf_token()},
    )
    assert clicked.status_code == 201

    assert moderator.post(f"/t/{duplicate.id}/merge", {"target": str(original.id), "confirmed": "1"}).status_code == 302
    found = visitor.get("/api/v1/suggest", query_string={"title": "zorblax"}).get_json()
    assert [item["id"] for item in found] == [original.id]
