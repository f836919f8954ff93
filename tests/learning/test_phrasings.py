"""Phrasings learnt from customers' choices: what it takes for one to reach the index, that nobody but
staff ever sees one, and that staff and moderators' merges teach and unteach search."""

import itertools

from sqlalchemy import select

from app.community import services as community
from app.extensions import db
from app.learning.models import Phrasing
from app.notify.models import MailMessage
from tests.helpers import flashes, page, page_text

SECRET = "zorblax quoggle"  # words no thread has: only a phrasing can make search find them
_visitors = itertools.count(1)


def _found(client, words: str) -> list[int]:
    """Topic ids the ask form's suggestions show for `words` (the public API)."""
    response = client.get("/api/v1/suggest", query_string={"title": words})
    assert response.status_code == 200
    return [item["id"] for item in response.get_json() if item["kind"] == "topic"]


def _customer_opens(client_as, topic, typed: str, posted: bool = False, visitor: int | None = None) -> None:
    """An anonymous visitor (own address) types `typed` on the ask form and opens `topic` from the
    suggestions (the events the ask form's script sends); with `posted`, they post a topic anyway."""
    n = visitor or next(_visitors)
    client = client_as()
    env = {"REMOTE_ADDR": f"10.0.{n // 250}.{n % 250 + 1}", "HTTP_USER_AGENT": "Browser"}
    draft = f"draft-{n:04d}-{topic.id}-{'p' if posted else 'd'}"
    headers = {"X-CSRFToken": client.csrf_token()}
    for event, extra in (
        ("suggestions_shown", {"count": 3}),
        ("suggestion_clicked", {"kind": "topic", "id": topic.id, "text": typed}),
    ):
        response = client.post_raw(
            "/api/v1/events", json={"event": event, "draft": draft, **extra}, headers=headers, environ_base=env
        )
        assert response.status_code == 201
    if posted:
        from app.analytics import services as analytics

        analytics.record_event(analytics.TOPIC_POSTED, None, draft, "topic", topic.id)
        db.session.commit()


def _settle(runner) -> None:
    result = runner.invoke(args=["learning", "settle"])
    assert result.exit_code == 0, result.output


def test_learned_only_once_enough_distinct_customers_chose_it(client_as, runner, make_topic):
    topic = make_topic(title="Card delivery status", body="Where is my new card and when does it arrive.")
    other = make_topic(title="Closing an account", body="How to close an account for good.")
    anyone = client_as()
    typed = f"My {SECRET} never came"

    _customer_opens(client_as, topic, typed, visitor=1)
    _customer_opens(client_as, topic, typed + "!", visitor=1)  # the same visitor again: one customer
    _customer_opens(client_as, topic, typed, posted=True)  # posted anyway: it did not answer them
    _customer_opens(client_as, other, "zorblax")  # another thread, another wording
    _settle(runner)
    assert _found(anyone, SECRET) == []

    _customer_opens(client_as, topic, f"{SECRET} never came to me")  # same words, another order and form
    _settle(runner)
    assert _found(anyone, SECRET) == []  # two distinct customers of three

    _customer_opens(client_as, topic, f"Never came: my {SECRET}")
    _settle(runner)
    assert _found(anyone, SECRET) == [topic.id]
    phrasing = db.session.scalar(select(Phrasing).where(Phrasing.ref_id == topic.id))
    assert phrasing.customers == 3 and phrasing.confirmed and phrasing.text == typed + "!"  # as typed last


def test_one_customer_is_enough_once_staff_approve_and_removing_unlearns(client_as, runner, make_topic, make_user):
    topic = make_topic(title="Card delivery status", body="Where is my new card and when does it arrive.")
    staff = client_as(make_user(role="representative"))
    anyone = client_as()
    _customer_opens(client_as, topic, f"My {SECRET} is late, card 4111 1111 1111 1111")
    _settle(runner)
    assert _found(anyone, SECRET) == []

    listing = staff.get(f"/staff/phrasings/topic/{topic.id}")
    item = page(listing).find("li", class_="phrasing")
    assert "4111 1111 1111 1111" not in item.text and "1111" in item.text  # the card number is masked
    assert "Waiting for confirmation" in item.text
    phrasing_id = int(item.get("id").split("-")[1])

    approved = staff.post(f"/staff/phrasings/topic/{topic.id}/{phrasing_id}/approve", follow_redirects=True)
    assert "The phrasing is approved: search finds the thread by it." in flashes(approved)
    assert _found(anyone, SECRET) == [topic.id]

    removed = staff.post(f"/staff/phrasings/topic/{topic.id}/{phrasing_id}/remove", follow_redirects=True)
    assert "The phrasing is removed." in flashes(removed)
    assert _found(anyone, SECRET) == []
    assert "No phrasings yet." in page_text(staff.get(f"/staff/phrasings/topic/{topic.id}"))


def test_staff_add_phrasings_to_topics_and_articles(client_as, make_topic, make_user, make_article):
    topic = make_topic(title="Card delivery status", body="Where is my new card?")
    article = make_article(title="Limits of transfers", body="Daily limits for transfers.")
    staff = client_as(make_user(role="moderator"))

    assert staff.post(f"/staff/phrasings/topic/{topic.id}/add", {"text": "  "}).status_code == 422
    added = staff.post(
        f"/staff/phrasings/topic/{topic.id}/add", {"text": f"Where is my {SECRET}"}, follow_redirects=True
    )
    assert "The phrasing is added: search finds the thread by it." in flashes(added)
    staff.post(f"/staff/phrasings/article/{article.id}/add", {"text": "blimfrost overflow"})

    anyone = client_as()
    assert _found(anyone, SECRET) == [topic.id]
    items = anyone.get("/api/v1/suggest", query_string={"title": "blimfrost overflow"}).get_json()
    assert [(i["kind"], i["id"]) for i in items] == [("article", article.id)]
    article_page = staff.get(f"/kb/{article.id}", follow_redirects=True)
    assert page(article_page).find("p", class_="phrasings-link").find("a").get("href") == (
        f"/staff/phrasings/article/{article.id}"
    )


def test_only_staff_reach_the_phrasings_and_every_change_needs_the_csrf_token(client_as, make_topic, make_user):
    topic = make_topic()
    url = f"/staff/phrasings/topic/{topic.id}"
    assert client_as(make_user()).get(url).status_code == 404
    assert client_as().get(url).status_code in (302, 401)
    customer = client_as(make_user())
    assert customer.post(f"{url}/add", {"text": "hello there"}).status_code == 404
    staff = client_as(make_user(role="representative"))
    refused = staff.post_raw(f"{url}/add", data={"text": "no token here"})
    assert refused.status_code == 400
    assert db.session.scalar(select(Phrasing)) is None
    assert staff.get(f"/staff/phrasings/nothing/{topic.id}").status_code == 404


def test_what_a_customer_typed_is_never_shown_to_anyone_else(client_as, runner, make_topic, make_user):
    topic = make_topic(
        topic_type="problem", title="Card delivery status", body="Where is my new card and when does it arrive."
    )
    follower = make_user()
    community.toggle_vote(follower, topic)
    db.session.commit()
    for _ in range(3):
        _customer_opens(client_as, topic, f"My {SECRET} never came, plimwort")
    _settle(runner)
    assert _found(client_as(), SECRET) == [topic.id]  # learnt and indexed
    assert _found(client_as(), "plimwort") == [topic.id]
    rep = make_user(role="representative")
    community.post_comment(rep, topic, "It is on its way.")  # e-mails the followers
    db.session.commit()

    viewers = [client_as(), client_as(follower), client_as(topic.author)]
    urls = [
        f"/t/{topic.id}",
        "/",
        f"/search?q={SECRET.replace(' ', '+')}",
        f"/api/v1/suggest?title={SECRET.replace(' ', '+')}",
        "/search?q=plimwart",  # one letter off: no "did you mean" a customer's word
        "/feeds/topics.atom",
        "/feeds/topics.rss",
        "/feeds/kb.atom",
        "/sitemap.xml",
    ]
    for viewer in viewers:
        for url in urls:
            response = viewer.get(url, follow_redirects=True)
            assert response.status_code == 200, url
            assert "plimwort" not in response.get_data(as_text=True).lower(), url
        assert topic.title in page_text(viewer.get(f"/search?q={SECRET.replace(' ', '+')}"))  # found by it, though
    mails = db.session.scalars(select(MailMessage)).all()
    assert mails  # the followers were e-mailed about the answer ...
    assert all("plimwort" not in f"{m.subject} {m.body_text} {m.body_html}".lower() for m in mails)  # ... without it


def test_merging_a_duplicate_teaches_its_title(client_as, make_topic, make_user):
    original = make_topic(title="Card delivery status", body="Where is my new card?")
    duplicate = make_topic(title=f"Still no {SECRET} after two weeks", body="Nothing arrived.")
    moderator = client_as(make_user(role="moderator"))

    done = moderator.post(f"/t/{duplicate.id}/merge", {"target": str(original.id), "confirmed": "1"})

    assert done.status_code == 302
    assert _found(client_as(), SECRET) == [original.id]
    listing = page(client_as(make_user(role="representative")).get(f"/staff/phrasings/topic/{original.id}"))
    item = listing.find("li", class_="phrasing")
    assert duplicate.title in item.text and "title of a merged duplicate" in item.text


def test_answering_with_a_link_to_an_existing_thread_teaches_the_question(client_as, make_topic, make_user):
    original = make_topic(title="Card delivery status", body="Where is my new card?")
    question = make_topic(title=f"Where did my {SECRET} go", body="Ordered it a month ago.")
    rep = client_as(make_user(role="representative"))

    answered = rep.post(
        f"/t/{question.id}/comments", {"body": f"See [this answer](http://localhost/t/{original.id}-x)."}
    )

    assert answered.status_code in (302, 303)
    phrasing = db.session.scalar(select(Phrasing).where(Phrasing.ref_id == original.id))
    assert phrasing.text == question.title and phrasing.source == "link" and phrasing.confirmed
    assert original.id in _found(client_as(), SECRET)
