"""POST /uploads and GET /media/<name>: who may upload, who may see, what the response says."""

from datetime import UTC

import pytest
from sqlalchemy import select

from app.common.html import render_markdown
from app.community import services as community_services
from app.extensions import db
from app.media.models import Upload
from tests.helpers import page
from tests.helpers import parse as page_of
from tests.media.conftest import name_from, post_image, stored_files
from tests.media.imaging import image_bytes


def upload_row(name: str) -> Upload:
    db.session.rollback()
    return db.session.scalar(select(Upload).where(Upload.name == name))


def test_upload_returns_url_and_markdown(app, uploader, customer):
    response = post_image(uploader, image_bytes("PNG", (12, 9)), filename="Скриншот ошибки (1).png")
    assert response.status_code == 201
    body = response.get_json()
    name = name_from(response)
    assert body["markdown"] == f"![Скриншот ошибки 1](/media/{name})"
    assert (body["width"], body["height"]) == (12, 9)
    row = upload_row(name)
    assert row.owner_id == customer.id and row.content_type == "image/png" and row.attached_kind is None


def test_upload_needs_a_login(app, client_as):
    response = post_image(client_as(), image_bytes())
    assert response.status_code == 401
    assert response.get_json() == {"error": "Log in to upload images."}
    assert stored_files(app) == []


def test_upload_needs_the_csrf_header(app, uploader):
    response = post_image(uploader, image_bytes(), csrf=False)
    assert response.status_code == 400
    assert "session expired" in response.get_json()["error"]
    assert db.session.query(Upload).count() == 0


def test_upload_without_a_file(app, uploader):
    response = uploader.post_raw(
        "/uploads", data={"other": "x"}, headers={"X-CSRFToken": uploader.csrf_token(), "Accept": "application/json"}
    )
    assert response.status_code == 400
    assert response.get_json() == {"error": "Choose an image to upload."}


def test_refused_file_is_a_json_error_and_leaves_nothing(app, uploader):
    response = post_image(uploader, b"<svg onload=alert(1)>", filename="cat.png", content_type="image/png")
    assert response.status_code == 400
    assert response.get_json() == {"error": "Only JPEG, PNG, GIF and WebP images can be uploaded."}
    assert db.session.query(Upload).count() == 0 and stored_files(app) == []


def test_request_larger_than_the_server_takes_is_413_json(app, uploader):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    response = post_image(uploader, b"\0" * 20_000)
    assert response.status_code == 413
    assert response.get_json() == {"error": "The upload is too large."}


def test_too_many_uploads_is_429(app, uploader):
    app.config["UPLOAD_HOURLY_LIMIT"] = 1
    assert post_image(uploader, image_bytes()).status_code == 201
    response = post_image(uploader, image_bytes())
    assert response.status_code == 429
    assert "many images" in response.get_json()["error"]


def test_served_image_headers(app, uploader):
    name = name_from(post_image(uploader, image_bytes("JPEG"), filename="x.html"))
    response = uploader.get(f"/media/{name}", buffered=True)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == f"inline; filename={name}"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.data[:3] == b"\xff\xd8\xff"
    again = uploader.get(f"/media/{name}", buffered=True, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "/media/nothing.png",
        "/media/../../config.py",
        "/media/%2e%2e%2fconfig.py",
        "/media/" + "0" * 32 + ".png",
        "/media/" + "A" * 32 + ".png",
    ],
)
def test_unknown_names_are_404(app, client, path):
    assert client.get(path, buffered=True).status_code == 404


def test_unattached_upload_only_for_owner_and_staff(app, uploader, client_as, make_user, community):
    name = name_from(post_image(uploader, image_bytes()))
    assert uploader.get(f"/media/{name}", buffered=True).status_code == 200
    assert client_as().get(f"/media/{name}", buffered=True).status_code == 404
    assert client_as(make_user()).get(f"/media/{name}", buffered=True).status_code == 404
    assert client_as(community["moderator"]).get(f"/media/{name}", buffered=True).status_code == 200
    assert client_as(community["rep_private"]).get(f"/media/{name}", buffered=True).status_code == 200


def _ask(client, markdown: str, category, private: bool = False):
    data = {
        "type": "question",
        "title": "Where is my card?",
        "body": f"Screenshot:\n\n{markdown}",
        "category_id": category.id,
        "mood": "upset",
        "confirmed": "1",
    }
    if private:
        data["is_private"] = "y"
    response = client.post("/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response.headers["Location"]


def test_image_in_a_public_topic_is_public_and_cacheable(app, uploader, client_as, community):
    response = post_image(uploader, image_bytes())
    name = name_from(response)
    topic_url = _ask(uploader, response.get_json()["markdown"], community["cards"])
    row = upload_row(name)
    assert row.attached_kind == "topic" and row.attached_id is not None
    visitor = client_as()
    topic_page = page(visitor.get(topic_url))
    assert topic_page.find("img", src=f"/media/{name}") is not None
    served = visitor.get(f"/media/{name}", buffered=True)
    assert served.status_code == 200
    assert "public" in served.headers["Cache-Control"]
    assert "private" not in served.headers["Cache-Control"]


def test_private_topic_image_is_404_to_others(app, uploader, client_as, make_user, community):
    response = post_image(uploader, image_bytes())
    name = name_from(response)
    _ask(uploader, response.get_json()["markdown"], community["cards"], private=True)
    assert upload_row(name).attached_kind == "topic"
    assert client_as().get(f"/media/{name}", buffered=True).status_code == 404
    assert client_as(make_user()).get(f"/media/{name}", buffered=True).status_code == 404
    own = uploader.get(f"/media/{name}", buffered=True)
    assert own.status_code == 200
    assert "private" in own.headers["Cache-Control"] and "Cookie" in own.headers.get("Vary", "")
    for staff in ("rep_private", "rep_business", "moderator", "admin"):
        assert client_as(community[staff]).get(f"/media/{name}", buffered=True).status_code == 200, staff


def test_staff_answer_image_in_a_private_topic_follows_the_topic(
    app, client_as, make_topic, make_user, customer, community
):
    topic = make_topic(author=customer, is_private=True, category=community["cards"])
    rep = client_as(community["rep_private"])
    response = post_image(rep, image_bytes("GIF", mode="P", color=3))
    name = name_from(response)
    answered = rep.post(f"/t/{topic.id}/comments", {"body": f"Here is how: {response.get_json()['markdown']}"})
    assert answered.status_code == 302
    assert upload_row(name).attached_kind == "comment"
    assert (
        client_as(customer).get(f"/media/{name}", buffered=True).status_code == 200
    )  # the topic's author sees the answer
    assert client_as(make_user()).get(f"/media/{name}", buffered=True).status_code == 404
    assert client_as().get(f"/media/{name}", buffered=True).status_code == 404


def test_hidden_topic_and_deleted_topic_images_are_hidden(app, uploader, client_as, customer, community):
    response = post_image(uploader, image_bytes())
    name = name_from(response)
    topic_url = _ask(uploader, response.get_json()["markdown"], community["cards"])
    topic_id = int(topic_url.split("/t/")[1].split("-")[0])
    from app.community.models import Topic

    topic = db.session.get(Topic, topic_id)
    community_services.set_topic_hidden(community["moderator"], topic, True)
    db.session.commit()
    assert client_as().get(f"/media/{name}", buffered=True).status_code == 404
    assert client_as(community["moderator"]).get(f"/media/{name}", buffered=True).status_code == 200
    community_services.set_topic_hidden(community["moderator"], topic, False)
    community_services.delete_topic(community["moderator"], topic)
    db.session.commit()
    assert client_as().get(f"/media/{name}", buffered=True).status_code == 404


def test_someone_elses_upload_is_not_attached_to_my_topic(app, uploader, client_as, make_user, community):
    """Linking another user's unattached image does not publish it."""
    other = client_as(make_user())
    name = name_from(post_image(other, image_bytes()))
    _ask(uploader, f"![stolen](/media/{name})", community["cards"])
    assert upload_row(name).attached_kind is None
    assert client_as().get(f"/media/{name}", buffered=True).status_code == 404


def test_image_added_by_editing_is_attached(app, uploader, client_as, customer, make_topic, community):
    topic = make_topic(author=customer, category=community["cards"])
    response = post_image(uploader, image_bytes())
    name = name_from(response)
    edited = uploader.post(f"/t/{topic.id}/edit", {"title": topic.title, "body": response.get_json()["markdown"]})
    assert edited.status_code == 302
    assert (upload_row(name).attached_kind, upload_row(name).attached_id) == ("topic", topic.id)
    assert client_as().get(f"/media/{name}", buffered=True).status_code == 200


def test_editor_textareas_carry_the_upload_url(app, uploader, make_topic, customer, community):
    topic = make_topic(author=customer, category=community["cards"])
    for url, name in (("/new", "body"), (f"/t/{topic.id}-{topic.slug}", "body"), (f"/t/{topic.id}/edit", "body")):
        document = page(uploader.get(url))
        textarea = document.find("textarea", name=name)
        assert textarea.get("data-upload-url") == "/uploads", url
        assert document.find("script", src="/static/js/upload.js") is not None, url


def test_sanitiser_keeps_relative_media_urls_and_drops_bad_ones():
    html = render_markdown(
        "![chart](/media/" + "a" * 32 + ".png) ![x](javascript:alert(1)) ![y](data:image/png;base64,AA)"
    )
    assert f'<img src="/media/{"a" * 32}.png" alt="chart">' in html
    document = page_of(html)
    assert [img.get("src") for img in document.find_all("img")] == [f"/media/{'a' * 32}.png", None]


def test_prune_removes_abandoned_uploads_and_orphan_files(app, runner, make_upload, make_topic, customer, community):
    import os
    from datetime import timedelta

    from app.common.db import utcnow
    from app.media.storage import get_storage

    kept = make_upload(owner=customer)
    make_topic(author=customer, body=f"![a](/media/{kept.name})", category=community["cards"])
    abandoned = make_upload(owner=customer)
    fresh = make_upload(owner=customer)
    abandoned.created_at = utcnow() - timedelta(days=3)
    db.session.commit()
    get_storage().save("f" * 32 + ".png", image_bytes())  # a file whose transaction rolled back
    old = (utcnow() - timedelta(days=3)).replace(tzinfo=UTC).timestamp()
    for path in stored_files(app):
        os.utime(path, (old, old))
    result = runner.invoke(args=["media", "prune"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 unattached uploads and 1 orphaned files." in result.output
    names = {p.name for p in stored_files(app)}
    assert names == {kept.name, fresh.name}
    db.session.rollback()
    assert {u.name for u in db.session.scalars(select(Upload))} == {kept.name, fresh.name}


def test_article_images_follow_the_article(app, client_as, make_user, make_article, community):
    """The knowledge base registers its own guard: a draft's images are for staff, a published one's for all."""
    pytest.importorskip("app.kb.services")
    from app.kb import services as kb_services

    writer = community["rep_private"]
    response = post_image(client_as(writer), image_bytes())
    name = name_from(response)
    article = make_article(
        author=writer, body=f"Steps:\n\n{response.get_json()['markdown']}", category=community["cards"], publish=False
    )
    assert (upload_row(name).attached_kind, upload_row(name).attached_id) == ("article", article.id)
    assert client_as().get(f"/media/{name}", buffered=True).status_code == 404
    assert client_as(make_user()).get(f"/media/{name}", buffered=True).status_code == 404
    assert client_as(community["moderator"]).get(f"/media/{name}", buffered=True).status_code == 200
    kb_services.publish_article(writer, article)
    db.session.commit()
    assert client_as().get(f"/media/{name}", buffered=True).status_code == 200
