"""The networks we import from: names, profile links, and the identity of a post given its link."""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

X, VK, FACEBOOK, TELEGRAM = "x", "vk", "facebook", "telegram"
NETWORK_LABELS = {X: "X", VK: "VK", FACEBOOK: "Facebook", TELEGRAM: "Telegram"}
_PROFILE_URLS = {
    X: "https://x.com/{handle}",
    VK: "https://vk.com/{handle}",
    FACEBOOK: "https://www.facebook.com/{handle}",
    TELEGRAM: "https://t.me/{handle}",
}
_HOSTS = {
    "x.com": X,
    "twitter.com": X,
    "mobile.twitter.com": X,
    "mobile.x.com": X,
    "vk.com": VK,
    "m.vk.com": VK,
    "vk.ru": VK,
    "facebook.com": FACEBOOK,
    "m.facebook.com": FACEBOOK,
    "fb.com": FACEBOOK,
    "t.me": TELEGRAM,
    "telegram.me": TELEGRAM,
}
_X_STATUS = re.compile(r"^/([A-Za-z0-9_]{1,15})/status(?:es)?/(\d{1,25})/?$")
HANDLE_RE = re.compile(r"^[A-Za-z0-9_.\-]{1,100}$")


@dataclass(frozen=True)
class PostRef:
    network: str
    external_id: str
    handle: str | None = None  # when the link names the author (X)


def normalise_handle(handle: str | None) -> str:
    return (handle or "").strip().lstrip("@").lower()


def profile_url(network: str, handle: str) -> str:
    return _PROFILE_URLS.get(network, "").format(handle=handle)


def x_post_url(handle: str, tweet_id: str) -> str:
    return f"https://x.com/{handle}/status/{tweet_id}"


def parse_post_url(url: str) -> PostRef | None:
    """The network and the post's id on it, from a link to the post; None for links we do not know.

    X links give the tweet id (so a link from the browser and a post from the API are the same post); for the other
    networks the link's path and query (the same on every host name of the network) are the id.
    """
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().removeprefix("www.")
    network = _HOSTS.get(host)
    if network is None:
        return None
    if network == X:
        match = _X_STATUS.match(parts.path)
        if match is None:
            return None
        return PostRef(X, match.group(2), match.group(1).lower())
    path = parts.path.rstrip("/")
    if not path:
        return None
    canonical = path + (f"?{parts.query}" if parts.query else "")  # m.vk.com and vk.com show the same post
    return PostRef(network, canonical[:255])
