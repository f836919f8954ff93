"""Links to posts, titles from post text, X API v2 search responses."""

from datetime import datetime

import pytest

from app.social import services
from app.social.networks import PostRef, parse_post_url
from app.social.x_api import parse_search_response
from tests.social.conftest import recorded


@pytest.mark.parametrize(
    "url, expected",
    [
        (
            "https://x.com/Marta_Travels/status/1790412345678901250",
            PostRef("x", "1790412345678901250", "marta_travels"),
        ),
        (
            "https://twitter.com/marta_travels/status/1790412345678901250?s=20&t=abc",
            PostRef("x", "1790412345678901250", "marta_travels"),
        ),
        (
            "http://mobile.twitter.com/marta_travels/status/1790412345678901250/",
            PostRef("x", "1790412345678901250", "marta_travels"),
        ),
        ("https://www.x.com/marta_travels/statuses/17", PostRef("x", "17", "marta_travels")),
        ("https://vk.com/wall-12345_678", PostRef("vk", "/wall-12345_678")),
        ("https://m.vk.com/wall-12345_678#comments", PostRef("vk", "/wall-12345_678")),
        (
            "https://www.facebook.com/permalink.php?story_fbid=1&id=2",
            PostRef("facebook", "/permalink.php?story_fbid=1&id=2"),
        ),
        ("https://t.me/examplebank_chat/4242", PostRef("telegram", "/examplebank_chat/4242")),
    ],
)
def test_links_to_posts_name_the_post(url, expected):
    assert parse_post_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "",
        "not a link",
        "javascript://x.com/a/status/1",
        "ftp://x.com/a/status/1",
        "https://x.com/marta_travels",
        "https://x.com/marta_travels/status/abc",
        "https://example.com/a/status/1",
        "https://vk.com/",
        "https://[::1",
        "https://x.com.evil.example/a/status/1",
    ],
)
def test_other_links_are_not_posts(url):
    assert parse_post_url(url) is None


@pytest.mark.parametrize(
    "text, title",
    [
        ("@examplebank @support my card was declined twice https://t.co/x", "my card was declined twice"),
        ("@examplebank hi", "Post by @marta"),
        ("Why   is the\napp so slow?", "Why is the app so slow?"),
        ("word " * 40, ("word " * 19).strip() + "…"),
    ],
)
def test_titles_are_the_first_words_of_the_post(text, title):
    assert services.title_from_text(text, "marta") == title


def test_long_titles_are_cut_at_a_word_and_fit_a_topic_title():
    title = services.title_from_text("Transfers " + "x" * 300, "marta")
    assert len(title) <= services.TITLE_LENGTH and title.endswith("…")


def test_a_search_response_becomes_posts_and_reasons():
    page = parse_search_response(recorded("x_search_page1.json"))

    assert [post.external_id for post in page.posts] == ["1790412345678901250", "1790401111222233334"]
    first, second = page.posts
    assert first.url == "https://x.com/marta_travels/status/1790412345678901250"
    assert (first.handle, first.name, first.author_external_id) == ("marta_travels", "Marta K.", "1502345678")
    assert first.posted_at == datetime(2024, 5, 14, 16, 2, 11)
    assert "Riga &amp; nobody" in first.text  # entities are decoded when the topic is made
    assert second.text.endswith("Started after Monday's update.")  # the long form of a long post
    assert page.skipped == ["tweet 1790409876543210001: a retweet"]
    assert page.next_token == "b26v89c19zqg8o3fr5qvm7mqfq9ga5dkddbuovh5bpvx9"


@pytest.mark.parametrize(
    "data, skipped",
    [
        ([], ["the response is not a JSON object"]),
        ({"data": "oops"}, ["`data` is not a list"]),
        ({"meta": {"result_count": 0}}, []),
        (
            {"data": [{"id": "1", "text": "hello there", "author_id": "5"}]},
            ["tweet 1: its author is not in includes.users"],
        ),
        ({"data": [{"id": "x1", "text": "hello"}]}, ["a tweet without a valid id: 'x1'"]),
        ({"data": [{"id": "1", "text": "   "}]}, ["tweet 1: no text"]),
        ({"data": ["nope"]}, ["a tweet that is not a JSON object"]),
    ],
)
def test_malformed_responses_are_skipped_with_a_reason(data, skipped):
    page = parse_search_response(data)
    assert page.posts == [] and page.skipped == skipped and page.next_token is None
