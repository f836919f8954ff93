"""The application is what app.FEATURES lists: without an optional feature it still works, and that
feature's pages, commands and template hooks are gone."""

import pytest

from app import FEATURES, create_app
from tests.conftest import _config_for, built_app

WITHOUT_SOCIAL = [f for f in FEATURES if f != "app.social"]


@pytest.fixture
def app(tmp_path):
    """Overrides the suite's `app` here: the factories (make_topic, ...) build on the app without social."""
    yield from built_app(_config_for(tmp_path), features=WITHOUT_SOCIAL)


def _social_rules(app) -> list[str]:
    return [rule.rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("social.")]


def test_without_social_the_app_works_and_the_social_routes_are_gone(app, client_as, make_topic, community):
    assert "app.social" not in app.extensions["otklik.features"]
    assert _social_rules(app) == []
    assert "import" not in app.cli.commands
    topic = make_topic(category=community["cards"])
    visitor, rep = client_as(), client_as(community["rep_private"])
    assert visitor.get("/").status_code == 200
    page = rep.get(f"/t/{topic.id}-{topic.slug}")
    assert page.status_code == 200 and topic.title in page.get_data(as_text=True)
    ask = rep.get("/new").get_data(as_text=True)
    assert "/social/import" not in ask and "Import their post" not in ask  # the link needs the feature
    assert rep.get("/social/import").status_code == 404
    rep.post(f"/t/{topic.id}/comments", data={"body": "Answered without the social feature."})
    assert "Answered without the social feature." in visitor.get(f"/t/{topic.id}-{topic.slug}").get_data(as_text=True)


def test_the_full_app_has_the_social_routes(tmp_path):
    full = create_app(_config_for(tmp_path))
    assert "/social/import" in _social_rules(full)
    assert "import" in full.cli.commands
