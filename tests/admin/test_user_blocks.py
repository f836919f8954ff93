"""Issue 11: moderators block and unblock a person from the list of users (/admin/users), with a reason and an
optional end, behind CSRF, recorded in the moderation log; the blocked person reads but cannot post, vote or
upload, and is told why."""

import io
from datetime import datetime

from PIL import Image
from sqlalchemy import func, select

from app.community.models import Comment, Topic, Vote
from app.extensions import db
from app.media.models import Upload
from app.moderation.models import ModerationAction
from tests.helpers import db_snapshot, flashes, form_errors, page, page_text

REASON = "Spam links in five topics"


def _row(response, user):
    return page(response).find("tr", id=f"user-{user.id}")


def _log(user) -> list[tuple[str, int, dict | None]]:
    return [
        (a.action, a.actor_id, a.detail)
        for a in db.session.scalars(
            select(ModerationAction).where(ModerationAction.user_id == user.id).order_by(ModerationAction.id)
        )
    ]


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def test_a_moderator_blocks_and_unblocks_from_the_list_of_users(client_as, make_user, community):
    person = make_user(name="Spammy Sam")
    moderator = client_as(community["moderator"])
    listing = moderator.get("/admin/users?q=sam")
    assert listing.status_code == 200
    form = _row(listing, person).find("form", class_="block-form")
    assert form.get("action") == f"/u/{person.id}/block"
    assert {i.get("name") for i in form.find_all("input")} == {"csrf_token", "next", "reason", "until"}
    assert form.find("input", name="next").get("value") == "/admin/users?q=sam"
    staff_row = _row(moderator.get("/admin/users"), community["rep_private"])
    assert staff_row.find("form") is None  # staff are not blocked here

    response = moderator.post(
        f"/u/{person.id}/block", {"reason": REASON, "until": "2099-03-01", "next": "/admin/users?q=sam"}
    )
    assert (response.status_code, response.headers["Location"]) == (302, "/admin/users?q=sam")
    db.session.refresh(person)
    assert (person.posting_block_reason, person.posting_blocked_until) == (REASON, datetime(2099, 3, 1))
    assert _log(person) == [("block", community["moderator"].id, {"reason": REASON, "until": "2099-03-01T00:00:00"})]

    listing = moderator.get("/admin/users?q=sam")
    assert flashes(listing) == ["Spammy Sam is blocked from posting."]
    row = _row(listing, person)
    assert REASON in row.find("p", class_="blocked-status").text and "2099" in row.text
    assert row.find("form", class_="unblock-form").get("action") == f"/u/{person.id}/unblock"
    only_blocked = moderator.get("/admin/users?blocked=1")
    assert [tr.get("id") for tr in page(only_blocked).find("tbody").find_all("tr")] == [f"user-{person.id}"]

    response = moderator.post(f"/u/{person.id}/unblock", {"next": "/admin/users?blocked=1"})
    assert response.headers["Location"] == "/admin/users?blocked=1"
    db.session.refresh(person)
    assert person.posting_blocked_at is None
    assert [entry[0] for entry in _log(person)] == ["block", "unblock"]
    assert page(moderator.get("/admin/users?blocked=1")).find("tbody").find_all("tr") == []


def test_moderators_reach_only_the_list_and_a_next_off_site_is_ignored(client_as, make_user, community):
    person = make_user()
    moderator = client_as(community["moderator"])
    assert "Users" in page(moderator.get("/")).find("header").text
    for url in ("/admin/", f"/admin/users/{person.id}", "/admin/departments/new"):
        assert moderator.get(url).status_code == 404, url
    listing = page(moderator.get("/admin/users"))
    assert listing.find("nav", class_="tabs") is None  # the admin's other tabs are not offered
    assert _row(moderator.get("/admin/users"), person).find("a").get("href") == f"/u/{person.id}"

    response = moderator.post(f"/u/{person.id}/block", {"reason": REASON, "next": "https://evil.example/"})
    assert response.headers["Location"] == f"/u/{person.id}"


def test_blocking_needs_the_csrf_token_and_a_moderator(client_as, make_user, community):
    person, other = make_user(), make_user()
    before = db_snapshot()
    moderator = client_as(community["moderator"])
    assert moderator.post_raw(f"/u/{person.id}/block", data={"reason": REASON}).status_code == 400
    for user in (other, community["rep_private"]):
        assert client_as(user).post(f"/u/{person.id}/block", {"reason": REASON}).status_code == 404
        assert client_as(user).get("/admin/users").status_code == 404
    assert db_snapshot() == before


def test_an_administrator_blocks_from_the_users_page_too(client_as, make_user, community):
    person = make_user()
    admin = client_as(community["admin"])
    panel = page(admin.get(f"/admin/users/{person.id}")).find("section", class_="moderation-user")
    assert panel.find("form").get("action") == f"/u/{person.id}/block"
    assert admin.post(f"/u/{person.id}/block", {"reason": REASON}).status_code == 302
    assert _log(person)[0][:2] == ("block", community["admin"].id)


def test_the_blocked_person_reads_but_every_write_over_http_is_refused_with_the_reason(
    client_as, make_user, make_topic, community
):
    person = make_user()
    topic = make_topic(category=community["cards"], topic_type="idea", mood=None)
    client_as(community["moderator"]).post(f"/u/{person.id}/block", {"reason": REASON, "next": "/admin/users"})
    client = client_as(person)

    assert client.get(f"/t/{topic.id}-{topic.slug}").status_code == 200
    assert REASON in page(client.get("/new")).find("div", class_="blocked-notice").text
    comment = client.post(f"/t/{topic.id}/comments", {"body": "Buy now"})
    assert comment.status_code == 422 and any(REASON in error for error in form_errors(comment))
    vote = client.post(f"/t/{topic.id}/vote")
    assert vote.status_code == 403 and REASON in page_text(vote)
    upload = client.post_raw(
        "/uploads",
        data={"file": (io.BytesIO(_png()), "photo.png")},
        headers={"Accept": "application/json", "X-CSRFToken": client.csrf_token()},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 403 and REASON in upload.get_json()["error"]
    counts = [db.session.scalar(select(func.count()).select_from(m)) for m in (Topic, Comment, Vote, Upload)]
    assert counts == [1, 0, 0, 0]


def test_the_blocked_person_cannot_comment_on_articles_either(client_as, make_user, make_article, community):
    from app.kb.models import ArticleComment, ArticleFeedback

    person = make_user()
    article = make_article(author=community["rep_business"], category=community["cards"])
    client_as(community["moderator"]).post(f"/u/{person.id}/block", {"reason": REASON})
    refused = client_as(person).post(f"/kb/{article.id}/comments", {"body": "Buy now"})
    assert refused.status_code == 422 and REASON in page_text(refused)
    feedback = client_as(person).post(f"/kb/{article.id}/feedback", {"helpful": "no", "comment": "Spam"})
    assert feedback.status_code == 422 and REASON in page_text(feedback)
    assert db.session.scalar(select(func.count()).select_from(ArticleComment)) == 0
    assert db.session.scalar(select(func.count()).select_from(ArticleFeedback)) == 0
