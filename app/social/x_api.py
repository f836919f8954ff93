"""X (Twitter) API v2: reading search responses (from a file or the recent-search endpoint) into ExternalPosts.

The client is deliberately small: urllib, a timeout on every request, no redirects (the bearer token must never
be sent to another host), a cap on the response size and on the number of pages (`meta.next_token`).
"""

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlencode

from app.social.networks import X, x_post_url
from app.social.services import ExternalPost

SEARCH_PATH = "/2/tweets/search/recent"
MAX_RESPONSE_BYTES = 10 * 1024 * 1024
TWEET_FIELDS = "created_at,author_id,lang,note_tweet"
USER_FIELDS = "username,name"


class XApiError(Exception):
    """The API could not be reached or did not answer as documented. The message is shown to the operator."""


@dataclass
class ParsedPage:
    posts: list[ExternalPost] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # why each left-out tweet was left out
    next_token: str | None = None


def _parse_time(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def parse_search_response(data) -> ParsedPage:
    """One page of a v2 search response: `data[]` tweets, authors in `includes.users[]`, `meta.next_token`."""
    page = ParsedPage()
    if not isinstance(data, dict):
        page.skipped.append("the response is not a JSON object")
        return page
    meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
    token = meta.get("next_token")
    page.next_token = token if isinstance(token, str) and token else None
    includes = data.get("includes") if isinstance(data.get("includes"), dict) else {}
    users = {
        user.get("id"): user
        for user in includes.get("users") or []
        if isinstance(user, dict) and isinstance(user.get("username"), str)
    }
    tweets = data.get("data") or []
    if not isinstance(tweets, list):
        page.skipped.append("`data` is not a list")
        return page
    for tweet in tweets:
        if not isinstance(tweet, dict):
            page.skipped.append("a tweet that is not a JSON object")
            continue
        tweet_id = tweet.get("id")
        if not isinstance(tweet_id, str) or not tweet_id.isdigit() or len(tweet_id) > 25:
            page.skipped.append(f"a tweet without a valid id: {str(tweet_id)[:40]!r}")
            continue
        note = tweet.get("note_tweet")
        text = note.get("text") if isinstance(note, dict) and isinstance(note.get("text"), str) else tweet.get("text")
        if not isinstance(text, str) or not text.strip():
            page.skipped.append(f"tweet {tweet_id}: no text")
            continue
        if text.startswith("RT @"):
            page.skipped.append(f"tweet {tweet_id}: a retweet")
            continue
        user = users.get(tweet.get("author_id"))
        if user is None:
            page.skipped.append(f"tweet {tweet_id}: its author is not in includes.users")
            continue
        page.posts.append(
            ExternalPost(
                network=X,
                external_id=tweet_id,
                url=x_post_url(user["username"], tweet_id),
                text=text,
                handle=user["username"],
                name=user.get("name") if isinstance(user.get("name"), str) else "",
                posted_at=_parse_time(tweet.get("created_at")),
                author_external_id=str(user.get("id")),
            )
        )
    return page


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise urllib.error.HTTPError(req.full_url, code, f"redirect to {newurl} refused", headers, fp)


class XClient:
    def __init__(
        self,
        bearer_token: str,
        base_url: str = "https://api.x.com",
        timeout: float = 10.0,
        user_agent: str = "Otklik-social-import",
    ):
        if not bearer_token:
            raise XApiError("X_BEARER_TOKEN is not set.")
        self.bearer_token = bearer_token
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.user_agent = user_agent
        self._opener = urllib.request.build_opener(_NoRedirects)

    def _get(self, path: str, params: dict) -> dict:
        request = urllib.request.Request(
            f"{self.base_url}{path}?{urlencode(params)}",
            headers={
                "Authorization": f"Bearer {self.bearer_token}",
                "User-Agent": self.user_agent,
                "Accept": "application/json",
            },
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                raw = response.read(MAX_RESPONSE_BYTES + 1)
        except urllib.error.HTTPError as error:
            try:
                message = self._describe(error)
            finally:
                error.close()  # it holds the connection
            raise XApiError(message) from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise XApiError(f"X API unreachable at {self.base_url}: {reason}") from None
        if len(raw) > MAX_RESPONSE_BYTES:
            raise XApiError("X API answer is too large.")
        try:
            return json.loads(raw)
        except ValueError:
            raise XApiError("X API answered with something that is not JSON.") from None

    @staticmethod
    def _describe(error: urllib.error.HTTPError) -> str:
        if error.code == 401:
            return "X API refused the bearer token (401): check X_BEARER_TOKEN."
        if error.code == 429:
            reset = error.headers.get("x-rate-limit-reset") if error.headers else None
            when = (
                f" until {datetime.fromtimestamp(int(reset), UTC):%Y-%m-%d %H:%M} UTC"
                if reset and reset.isdigit()
                else ""
            )
            return f"X API rate limit reached (429){when}; try again later."
        detail = ""
        try:
            body = json.loads(error.read(65536) or b"{}")
            detail = body.get("detail") or body.get("title") or ""
        except (ValueError, AttributeError, OSError):
            pass
        return f"X API answered {error.code}" + (f": {detail}" if detail else ".")

    def search_recent(
        self, query: str, max_pages: int = 5, max_results: int = 100, since_id: str | None = None
    ) -> Iterator[dict]:
        """The raw pages of a recent search, newest first, following `meta.next_token` up to max_pages."""
        params = {
            "query": query,
            "max_results": str(max(10, min(max_results, 100))),
            "tweet.fields": TWEET_FIELDS,
            "expansions": "author_id",
            "user.fields": USER_FIELDS,
        }
        if since_id:
            params["since_id"] = since_id
        for _ in range(max_pages):
            data = self._get(SEARCH_PATH, params)
            yield data
            token = (data.get("meta") or {}).get("next_token") if isinstance(data, dict) else None
            if not token:
                return
            params["next_token"] = token
