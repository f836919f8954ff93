"""The anonymous page cache (app/common/pagecache.py): visitors get the same page faster, never someone else's
personal values, and see every change at once. Runs on the per-process store, and on Redis when REDIS_URL is set."""

import re
import time

import pytest

from app.common import pagecache
from app.extensions import db
from tests.helpers import count_statements, page_text

NONCE = re.compile(r'<script nonce="([^"]+)"')
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def _topic_url(topic):
    return f"/t/{topic.id}-{topic.slug}"


def test_second_visit_is_served_from_the_cache_with_its_own_nonce_and_token(cached_app, client_as, make_topic):
    topic = make_topic(title="Card blocked abroad")
    url = _topic_url(topic)
    first = client_as().get(url)
    assert first.status_code == 200 and "X-Page-Cache" not in first.headers
    with count_statements() as statements:
        second = client_as().get(url)
    assert second.status_code == 200 and second.headers["X-Page-Cache"] == "hit"
    assert statements == []
    html_1, html_2 = first.get_data(as_text=True), second.get_data(as_text=True)
    nonce = NONCE.search(html_2).group(1)
    assert nonce != NONCE.search(html_1).group(1)
    assert f"'nonce-{nonce}'" in second.headers["Content-Security-Policy"]
    assert CSRF.search(html_2).group(1) != CSRF.search(html_1).group(1)
    assert "Card blocked abroad" in html_2
    assert NONCE.sub("", CSRF.sub("", html_1)).replace(CSRF.search(html_1).group(1), "") == NONCE.sub(
        "", CSRF.sub("", html_2)
    ).replace(CSRF.search(html_2).group(1), "")


def test_the_token_of_a_cached_page_is_accepted_by_a_form(cached_app, client_as, make_topic, customer):
    topic = make_topic()
    client_as().get(_topic_url(topic))  # fills the cache
    visitor = client_as()
    response = visitor.get(_topic_url(topic))
    assert response.headers["X-Page-Cache"] == "hit"
    token = CSRF.search(response.get_data(as_text=True)).group(1)
    login = visitor.post_raw(
        "/login", data={"email": customer.email, "password": "correct-horse-battery", "csrf_token": token}
    )
    assert login.status_code == 302


def test_signed_in_people_get_their_own_page_never_a_cached_one(cached_app, client_as, make_topic, make_user):
    topic = make_topic()
    reader = make_user(name="Rita Reader")
    client_as().get(_topic_url(topic))
    mine = client_as(reader).get(_topic_url(topic))
    assert "X-Page-Cache" not in mine.headers and "Rita Reader" in mine.get_data(as_text=True)
    after = client_as().get(_topic_url(topic))
    assert after.headers["X-Page-Cache"] == "hit" and "Rita Reader" not in after.get_data(as_text=True)


def test_a_comment_shows_at_once_and_other_topics_stay_cached(cached_app, client_as, make_topic, make_user):
    topic, other = make_topic(), make_topic()
    writer = client_as(make_user())
    for url in (_topic_url(topic), _topic_url(other), "/"):
        client_as().get(url)
    response = writer.post(f"/t/{topic.id}/comments", {"body": "Try the app's card settings."})
    assert response.status_code == 302
    fresh = client_as().get(_topic_url(topic))
    assert "X-Page-Cache" not in fresh.headers and "Try the app's card settings." in page_text(fresh)
    assert client_as().get(_topic_url(topic)).headers["X-Page-Cache"] == "hit"
    assert "X-Page-Cache" not in client_as().get("/").headers  # the list shows the new activity
    if cached_app.config.get("REDIS_URL"):  # one generation per topic in Redis; the local store has one for all
        assert client_as().get(_topic_url(other)).headers["X-Page-Cache"] == "hit"


def test_new_topics_renames_and_hiding_show_at_once(cached_app, client_as, make_topic, make_user, community):
    topic = make_topic(title="Old card question")
    assert "Old card question" in page_text(client_as().get("/"))
    assert client_as().get("/").headers["X-Page-Cache"] == "hit"
    make_topic(title="Brand new question about fees")
    assert "Brand new question about fees" in page_text(client_as().get("/"))
    client_as().get(_topic_url(topic))
    topic.title = "Renamed card question"
    db.session.commit()
    assert "Renamed card question" in page_text(client_as().get(f"/t/{topic.id}-{topic.slug}"))
    topic.is_hidden = True
    db.session.commit()
    assert client_as().get(f"/t/{topic.id}-{topic.slug}").status_code == 404
    assert "Renamed card question" not in page_text(client_as().get("/"))


def test_pages_with_flashed_messages_or_other_arguments_are_not_cached(cached_app, client_as, make_topic):
    topic = make_topic()
    client_as().get("/?utm_source=mail")
    assert "X-Page-Cache" not in client_as().get("/?utm_source=mail").headers
    client_as().get("/?lang=en")
    assert "X-Page-Cache" not in client_as().get("/?lang=en").headers
    client_as().get(_topic_url(topic))
    visitor = client_as()
    with visitor.session_transaction() as session:
        session["_flashes"] = [("info", "Only for this visitor")]
    response = visitor.get(_topic_url(topic))
    assert "X-Page-Cache" not in response.headers and "Only for this visitor" in page_text(response)
    assert "Only for this visitor" not in page_text(client_as().get(_topic_url(topic)))


def test_list_counts_are_cached_per_audience_and_follow_every_change(cached_app, make_topic, make_user, community):
    from app.community import queries

    author, other = make_user(), make_user()
    make_topic(author=author, topic_type="question")
    private = make_topic(author=author, topic_type="problem", is_private=True)
    assert queries.type_counts(None) == {"question": 1}
    assert queries.type_counts(author) == {"question": 1, "problem": 1}
    assert queries.type_counts(other) == {"question": 1}
    assert queries.type_counts(community["admin"]) == {"question": 1, "problem": 1}
    make_topic(topic_type="idea")
    assert queries.type_counts(None) == {"question": 1, "idea": 1}
    private.is_hidden = True
    db.session.commit()
    assert queries.type_counts(author) == {"question": 1, "idea": 1}
    page = queries.topic_list(None, 1, per_page=1)
    assert page.total == 2 and page.pages == 2 and len(page.items) == 1


def test_a_process_copy_of_an_entry_follows_a_change_on_another_node_and_expires_with_it(cached_app):
    """With Redis each process keeps a copy of the entries it stored or read and then fetches only the
    generations: a change announced by any other node (another store on the same keys) is a miss at once."""
    if not cached_app.config.get("REDIS_URL"):
        pytest.skip("the per-process store keeps no other copies")
    prefix, names = cached_app.config["PAGE_CACHE_PREFIX"], ("all", "topic:1")
    here, there = pagecache.RedisStore(cached_app, prefix), pagecache.RedisStore(cached_app, prefix)

    def stamp(store):
        return b"|".join(store.lookup("page", names)[0]) + b"\n"

    here.store("page", stamp(here) + b"<p>old</p>", 60)
    assert pagecache.split_entry(*here.lookup("page", names)) == b"<p>old</p>"
    there.bump(("topic:1",))  # a comment committed on the other node
    assert _once_heard(here, "page", names) is None
    there.store("page", stamp(there) + b"<p>new</p>", 60)  # the other node renders the page again
    assert pagecache.split_entry(*here.lookup("page", names)) == b"<p>new</p>"
    assert pagecache.split_entry(*there.lookup("page", names)) == b"<p>new</p>"
    here.store("short", stamp(here) + b"<p>short</p>", 1)
    assert pagecache.split_entry(*here.lookup("short", names)) == b"<p>short</p>"
    time.sleep(1.1)
    assert pagecache.split_entry(*here.lookup("short", names)) is None


def test_a_hit_on_a_copy_survives_redis_dropping_the_connection(cached_app):
    """Redis restarted (or dropped the connection): the next hit answers from a new connection, and Redis is not
    taken for away (which would send every page through Flask for REDIS_RETRY_SECONDS)."""
    if not cached_app.config.get("REDIS_URL"):
        pytest.skip("only the Redis store has connections")
    from app.common import redis_conn

    store, names = pagecache.RedisStore(cached_app, cached_app.config["PAGE_CACHE_PREFIX"]), ("all",)
    store.store("page", b"|".join(store.lookup("page", names)[0]) + b"\n<p>page</p>", 60)
    assert pagecache.split_entry(*store.lookup("page", names)) == b"<p>page</p>"  # the copy, on its own connection
    store.own.connection.send_command("CLIENT", "ID")
    redis_conn.client(cached_app).client_kill_filter(_id=store.own.connection.read_response())
    assert pagecache.split_entry(*store.lookup("page", names)) == b"<p>page</p>"
    assert redis_conn.usable(cached_app)


def _once_heard(store, key, names, seconds=0.2):
    """What `store` serves once another store's announcement has reached it. Redis sends it to the subscribers as
    it answers the writer, so it can land a moment after the writer's reply: well within `seconds`, which is less
    than page_watch.TRUST (so it is the announcement, not the age of what was remembered, that is seen)."""
    deadline = time.monotonic() + seconds
    while True:
        found = pagecache.split_entry(*store.lookup(key, names))
        if found is None or time.monotonic() > deadline:
            return found
        time.sleep(0.002)


def _subscribed(store, seconds=5.0):
    """Wait for Redis to acknowledge the store's subscription. Until then every lookup reads the generations, and
    the acknowledgement, like any announcement, makes the next lookup read them again."""
    deadline = time.monotonic() + seconds
    while not store.watch.confirmed:
        assert time.monotonic() < deadline, "Redis did not acknowledge the subscription"
        store.watch.known(("all",))
        time.sleep(0.002)


def _kill_subscription(store):
    """Close the process's subscription to the change announcements from Redis's side."""
    from app.common import redis_conn

    assert store.watch is not None and store.watch.pubsub is not None, "the store has not subscribed"
    host, port = store.watch.pubsub.connection._sock.getsockname()[:2]
    assert redis_conn.client(store.app).client_kill_filter(addr=f"{host}:{port}") == 1


def _redis_store(cached_app, reason):
    if not cached_app.config.get("REDIS_URL"):
        pytest.skip(reason)
    return pagecache.RedisStore(cached_app, cached_app.config["PAGE_CACHE_PREFIX"])


def test_a_hit_on_a_copy_reads_nothing_from_redis_until_a_change_is_announced(cached_app, monkeypatch):
    """Each process hears every change on a Redis channel, so a hit on an entry it holds asks Redis nothing;
    a change announced by another node makes the next lookup read the generations again, and miss."""
    here = _redis_store(cached_app, "only the Redis store has generations to read")
    there = pagecache.RedisStore(cached_app, cached_app.config["PAGE_CACHE_PREFIX"])
    from app.common import page_watch

    monkeypatch.setattr(page_watch, "TRUST", 30.0)  # a stalled machine must not age what is remembered here
    names, reads = ("all", "topic:7"), []
    read = here._generations
    monkeypatch.setattr(here, "_generations", lambda keys: reads.append(keys) or read(keys))
    here.store("page", b"|".join(here.lookup("page", names)[0]) + b"\n<p>old</p>", 60)
    _subscribed(here)
    assert pagecache.split_entry(*here.lookup("page", names)) == b"<p>old</p>"
    reads.clear()
    for _ in range(5):
        assert pagecache.split_entry(*here.lookup("page", names)) == b"<p>old</p>"
    assert reads == []
    there.bump(("topic:7",))
    assert _once_heard(here, "page", names) is None
    assert len(reads) == 1  # the generations were read once, after the announcement
    here.store("page", b"|".join(here.lookup("page", names)[0]) + b"\n<p>new</p>", 60)
    here.bump(("topic:7",))  # a change made by this process: no wait for its own announcement
    assert pagecache.split_entry(*here.lookup("page", names)) is None


def test_a_change_made_while_the_subscription_was_down_is_not_missed(cached_app):
    """The subscription dropped (a network blip) and a change landed that this process never heard of: it
    stops trusting what it remembers and reads Redis, so the old copy is not served."""
    here = _redis_store(cached_app, "only the Redis store subscribes")
    from app.common import redis_conn

    names = ("all",)
    here.store("page", b"|".join(here.lookup("page", names)[0]) + b"\n<p>old</p>", 60)
    assert pagecache.split_entry(*here.lookup("page", names)) == b"<p>old</p>"
    _kill_subscription(here)
    redis_conn.client(cached_app).incr(f"{here.prefix}gen:all")  # its announcement went to nobody
    assert pagecache.split_entry(*here.lookup("page", names)) is None
    assert redis_conn.usable(cached_app)


def test_an_unannounced_change_is_seen_once_the_remembered_generations_are_too_old(cached_app, monkeypatch):
    """The safety net for a subscription that stopped delivering without failing: what a process remembers is
    used for at most page_watch.TRUST seconds."""
    here = _redis_store(cached_app, "only the Redis store subscribes")
    from app.common import page_watch, redis_conn

    monkeypatch.setattr(page_watch, "TRUST", 0.3)
    names = ("all",)
    here.store("page", b"|".join(here.lookup("page", names)[0]) + b"\n<p>old</p>", 60)
    assert pagecache.split_entry(*here.lookup("page", names)) == b"<p>old</p>"
    redis_conn.client(cached_app).incr(f"{here.prefix}gen:all")  # changed with no announcement
    time.sleep(0.35)
    assert pagecache.split_entry(*here.lookup("page", names)) is None


def test_a_copy_is_not_served_after_redis_lost_its_keys(cached_app):
    """A flushed or restarted Redis counts the generations from 0 again: a process copy whose generations come
    back to the same values is another epoch's page and must not be served."""
    if not cached_app.config.get("REDIS_URL"):
        pytest.skip("only the Redis store keeps process copies")
    from app.common import redis_conn

    store, names = pagecache.RedisStore(cached_app, cached_app.config["PAGE_CACHE_PREFIX"]), ("all",)
    store.store("page", b"|".join(store.lookup("page", names)[0]) + b"\n<p>old</p>", 60)
    assert pagecache.split_entry(*store.lookup("page", names)) == b"<p>old</p>"
    generations = store.lookup("page", names)[0]
    client = redis_conn.client(cached_app)
    for stored in list(client.scan_iter(f"{store.prefix}*")):  # Redis restarted: nothing kept
        client.delete(stored)
    for name, value in zip(names, generations, strict=True):  # and the same number of changes since
        client.set(f"{store.prefix}gen:{name}", value)
    _kill_subscription(store)  # a restart closes every connection, the process's subscription too
    assert pagecache.split_entry(*store.lookup("page", names)) is None
    store.store("page", b"|".join(store.lookup("page", names)[0]) + b"\n<p>new</p>", 60)
    assert pagecache.split_entry(*store.lookup("page", names)) == b"<p>new</p>"


def test_a_copy_is_not_served_after_a_flush_and_as_many_changes(cached_app):
    """Redis flushed without a restart (the subscription lives on), then as many changes as before: each one is
    announced, so the process reads the generations and the new epoch again, and its old copy is not served."""
    here = _redis_store(cached_app, "only the Redis store keeps process copies")
    there = pagecache.RedisStore(cached_app, cached_app.config["PAGE_CACHE_PREFIX"])
    from app.common import redis_conn

    names = ("all",)
    there.bump(names)
    here.store("page", b"|".join(here.lookup("page", names)[0]) + b"\n<p>old</p>", 60)
    assert pagecache.split_entry(*here.lookup("page", names)) == b"<p>old</p>"
    (generation,) = here.lookup("page", names)[0]
    client = redis_conn.client(cached_app)
    for stored in list(client.scan_iter(f"{here.prefix}*")):
        client.delete(stored)
    for _ in range(int(generation)):
        there.bump(names)
    assert _once_heard(here, "page", names) is None
    assert here.lookup("page", names)[0] == (generation,)
