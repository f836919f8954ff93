"""Every route that accepts POST refuses a request without the CSRF token, and changes nothing."""

from flask import url_for

from app.community import services
from app.extensions import db
from tests.helpers import db_snapshot


def _setup(make_topic, make_user, community):
    """Rows for every kind of id a POST route takes, and a valid form for each known endpoint."""
    author = make_user()
    topic = make_topic(author=author, category=community["cards"], topic_type="problem")
    answer = services.post_comment(author, topic, "I found a workaround.")
    db.session.commit()
    ids = {
        "topic_id": topic.id,
        "comment_id": answer.id,
        "user_id": author.id,
        "department_id": community["private"].id,
        "category_id": community["cards"].id,
    }
    forms = {  # keyword arguments of client.post_raw(): a request that would change something
        "auth.login": {"data": {"email": "rep.business@test.example", "password": "correct-horse-battery"}},
        "auth.register": {
            "data": {
                "display_name": "Eve",
                "email": "eve@test.example",
                "password": "violet-lantern-42",
                "password2": "violet-lantern-42",
            }
        },
        "auth.logout": {"data": {}},
        "auth.settings": {"data": {"display_name": "Ada Renamed", "locale": "uk"}},
        "community.new_topic": {
            "data": {
                "type": "idea",
                "title": "A forged idea",
                "body": "Forged.",
                "category_id": str(community["cards"].id),
                "confirmed": "1",
            }
        },
        "community.comment": {"data": {"body": "A forged comment."}},
        "community.vote": {"data": {}},
        "community.solution": {"data": {"comment_id": str(answer.id)}},
        "community.status": {"data": {"status": "in_progress"}},
        "topic_edit.edit": {"data": {"title": "A forged title", "body": "Forged."}},
        "topic_edit.hide": {"data": {}},
        "topic_edit.delete": {"data": {}},
        "analytics.event": {"json": {"event": "suggestions_shown", "draft": "draft-forged-1", "count": 3}},
        "admin.department": {"data": {"name": "Forged department"}},
        "admin.category": {"data": {"name": "Forged category", "department_id": str(community["business"].id)}},
        "admin.user": {"data": {"role": "moderator"}},
        "moderation.block": {"data": {"reason": "Forged block", "next": "/admin/users"}},
        "accounts.change_password": {
            "data": {
                "current_password": "correct-horse-battery",
                "password": "forged-new-secret-77",
                "password2": "forged-new-secret-77",
            }
        },
        "kb_editor.new": {
            "data": {
                "title": "A forged article",
                "body": "Forged.",
                "publish": "1",
                "category_id": str(community["cards"].id),
                "department_id": "0",
            }
        },
    }
    return ids, forms


# Deliberately exempt, each authenticated otherwise (and tested where it lives):
# notify.unsubscribe_confirm - RFC 8058 one-click unsubscribe: mail clients POST without a page; the signed
# token in the URL authenticates it (tests/notify/test_unsubscribe.py).
# apps.facebook, apps.facebook_data_deletion - Facebook POSTs a signed_request, verified with the app secret
# (tests/apps/test_routes.py); the VK/Facebook apps then post through the widget's API below.
# widget.events, widget.post_topic - the cross-site panel never gets the session cookie: a signed panel token, and for
# posting a Bearer credential with a CSRF token bound to it, authenticate them (tests/widget/).
CSRF_EXEMPT = {
    "notify.unsubscribe_confirm",
    "apps.facebook",
    "apps.facebook_data_deletion",
    "widget.events",
    "widget.post_topic",
}


def _post_urls(app, ids) -> list[tuple[str, str]]:
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "POST" not in rule.methods or rule.endpoint in CSRF_EXEMPT:
                continue
            # An id this test does not know yet: the CSRF check runs before the view looks anything up.
            values = {name: ids.get(name, 1) for name in rule.arguments}
            urls.append((rule.endpoint, url_for(rule.endpoint, **values)))
    # Deleting the topic and logging out go last: the control test needs both until the end.
    return sorted(urls, key=lambda item: item[0] in ("topic_edit.delete", "auth.logout"))


def _with_token(client, request: dict) -> dict:
    if "json" in request:
        return {**request, "headers": {"X-CSRFToken": client.csrf_token()}}
    return {**request, "data": {**request["data"], "csrf_token": client.csrf_token()}}


def test_every_post_without_a_csrf_token_is_refused(app, client_as, make_topic, make_user, community):
    ids, forms = _setup(make_topic, make_user, community)
    urls = _post_urls(app, ids)
    assert {endpoint for endpoint, _ in urls} >= set(forms), "a known POST route is missing from the URL map"
    admin = client_as(community["admin"])
    before = db_snapshot()

    for endpoint, url in urls:
        response = admin.post_raw(url, **forms.get(endpoint, {"data": {}}))
        assert response.status_code == 400, f"{endpoint} {url}: {response.status_code}"
        assert "Your session expired or the form was sent from elsewhere." in response.get_data(as_text=True), endpoint

    assert db_snapshot() == before
    assert admin.get("/settings").status_code == 200, "a forged POST /logout logged the admin out"


def test_the_same_posts_with_the_token_get_through(app, client_as, make_topic, make_user, community):
    """The control for the test above: with the token, the same requests pass the CSRF check and change things."""
    ids, forms = _setup(make_topic, make_user, community)
    admin = client_as(community["admin"])
    before = db_snapshot()

    for endpoint, url in _post_urls(app, ids):
        if endpoint in forms:
            response = admin.post_raw(url, **_with_token(admin, forms[endpoint]))
            assert response.status_code in (200, 201, 302, 422), f"{endpoint} {url}: {response.status_code}"
            assert "Your session expired" not in response.get_data(as_text=True), endpoint
    assert db_snapshot() != before
    assert admin.get("/settings").status_code == 302, "POST /logout with the token logs out"
