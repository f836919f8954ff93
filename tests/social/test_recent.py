"""`flask import tweets --recent` against a local stand-in for the X API serving recorded responses."""

import gc
import warnings
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.common.db import utcnow
from app.community.models import Topic
from app.extensions import db
from app.social.models import SocialImport
from app.social.x_api import XApiError, XClient

RECENT = ["import", "tweets", "--recent", "--category", "Cards"]


def _topics() -> int:
    return db.session.scalar(select(func.count()).select_from(Topic))


def test_recent_posts_are_fetched_page_by_page_and_imported_once(runner, community, fake_x):
    result = runner.invoke(args=RECENT)

    assert result.exit_code == 0, result.output
    assert "Imported 3 new posts; 0 already imported; 2 skipped." in result.output
    assert "skipped tweet 1790390000000000001: its author is not in includes.users" in result.output
    first, second = fake_x.requests
    path, query, headers = first
    assert path == "/2/tweets/search/recent"
    assert headers["Authorization"] == "Bearer test-bearer-token"
    assert query["query"] == "@examplebank -is:retweet"
    assert query["expansions"] == "author_id"
    assert set(query["tweet.fields"].split(",")) >= {"created_at", "author_id"}
    assert set(query["user.fields"].split(",")) >= {"username", "name"}
    assert "next_token" not in query
    assert second[1]["next_token"] == "b26v89c19zqg8o3fr5qvm7mqfq9ga5dkddbuovh5bpvx9"

    again = runner.invoke(args=RECENT)

    assert again.exit_code == 0, again.output
    assert "Imported 0 new posts; 3 already imported; 2 skipped." in again.output
    assert _topics() == 3


def test_the_number_of_pages_is_capped(runner, community, fake_x):
    result = runner.invoke(args=[*RECENT, "--max-pages", "1"])
    assert result.exit_code == 0, result.output
    assert "Imported 2 new posts" in result.output
    assert len(fake_x.requests) == 1


def test_a_later_run_asks_only_for_newer_posts(runner, community, fake_x):
    assert runner.invoke(args=RECENT).exit_code == 0
    db.session.execute(db.update(SocialImport).values(posted_at=utcnow() - timedelta(hours=1)))
    newest = db.session.scalar(select(SocialImport.external_id).order_by(SocialImport.id.desc()).limit(1))
    db.session.execute(
        db.update(SocialImport)
        .where(SocialImport.external_id != newest)
        .values(posted_at=utcnow() - timedelta(hours=2))
    )
    db.session.commit()
    fake_x.requests.clear()

    assert runner.invoke(args=RECENT).exit_code == 0

    assert fake_x.requests[0][1]["since_id"] == newest


def test_since_id_is_not_sent_beyond_the_seven_day_window(runner, community, fake_x):
    assert runner.invoke(args=RECENT).exit_code == 0  # the recorded posts are from May 2024
    fake_x.requests.clear()
    assert runner.invoke(args=RECENT).exit_code == 0
    assert "since_id" not in fake_x.requests[0][1]


@pytest.mark.parametrize(
    "status, message",
    [
        (401, "X API refused the bearer token (401): check X_BEARER_TOKEN."),
        (429, "X API rate limit reached (429) until 2024-05-14 15:20 UTC; try again later."),
        (503, "X API answered 503: Too Many Requests"),
    ],
)
def test_api_errors_are_reported_not_raised(runner, community, fake_x, app, status, message):
    if status == 401:
        app.config["X_BEARER_TOKEN"] = "wrong"
    else:
        fake_x.status = status
    result = runner.invoke(args=RECENT)
    assert result.exit_code == 1
    assert message in result.output
    assert _topics() == 0


def test_a_slow_api_times_out(runner, community, fake_x, app):
    fake_x.delay = 1.5
    app.config["X_API_TIMEOUT"] = 0.3
    with warnings.catch_warnings():
        # http.client leaves the half-read response of a timed-out request to the garbage collector, which then
        # warns about its socket: collect it here rather than in whichever test runs next.
        warnings.simplefilter("ignore", ResourceWarning)
        result = runner.invoke(args=RECENT)
        gc.collect()
    assert result.exit_code == 1
    assert "X API unreachable" in result.output and "timed out" in result.output


def test_an_unreachable_api_is_reported(runner, community, app):
    app.config.update(X_BEARER_TOKEN="token", X_QUERY="@examplebank", X_API_BASE_URL="http://127.0.0.1:9")
    result = runner.invoke(args=RECENT)
    assert result.exit_code == 1 and "X API unreachable at http://127.0.0.1:9" in result.output


def test_redirects_are_not_followed_so_the_token_stays_home(runner, community, fake_x):
    fake_x.redirect_to = "http://127.0.0.1:9/steal"
    result = runner.invoke(args=RECENT)
    assert result.exit_code == 1 and "X API answered 302" in result.output
    assert len(fake_x.requests) == 1


@pytest.mark.parametrize(
    "setting, message",
    [
        ({"X_BEARER_TOKEN": ""}, "X_BEARER_TOKEN is not set."),
        ({"X_QUERY": ""}, "Set X_QUERY"),
    ],
)
def test_missing_settings_are_explained(runner, community, fake_x, app, setting, message):
    app.config.update(setting)
    result = runner.invoke(args=RECENT)
    assert result.exit_code == 1 and message in result.output
    assert fake_x.requests == []


def test_the_client_clamps_page_sizes(fake_x):
    client = XClient("test-bearer-token", fake_x.base_url, timeout=2)
    pages = list(client.search_recent("@examplebank", max_pages=5, max_results=500))
    assert len(pages) == 2
    assert {request[1]["max_results"] for request in fake_x.requests} == {"100"}


def test_the_client_refuses_to_run_without_a_token():
    with pytest.raises(XApiError):
        XClient("")
