"""Where a visit came from, classified from its referrer, UTM tags and the channel it was served in.

Sources: search engines, social networks, the company's own site, the community's own channels (the "Ask us!"
widget, the VK and Facebook apps), e-mail, other sites (referral) and direct visits. Pure functions: no request,
no database, so that they can be tested on real referrer strings.
"""

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

SEARCH, SOCIAL, COMPANY, WIDGET, VK_APP, FACEBOOK_APP, EMAIL, REFERRAL, DIRECT, INTERNAL = (
    "search",
    "social",
    "company",
    "widget",
    "vk_app",
    "facebook_app",
    "email",
    "referral",
    "direct",
    "internal",
)
SOURCES = (SEARCH, SOCIAL, COMPANY, WIDGET, VK_APP, FACEBOOK_APP, EMAIL, REFERRAL, DIRECT)

# Registrable-domain labels of search engines and social networks: a host matches when one of these is its
# second-level label (google.com, google.co.uk, www.google.ru ...) or, for the dotted ones, its suffix.
SEARCH_ENGINES = {
    "google": "Google",
    "yandex": "Yandex",
    "ya.ru": "Yandex",
    "bing": "Bing",
    "duckduckgo": "DuckDuckGo",
    "go.mail.ru": "Mail.ru",
    "search.yahoo": "Yahoo",
    "yahoo": "Yahoo",
    "rambler": "Rambler",
    "ecosia": "Ecosia",
    "baidu": "Baidu",
    "search.brave": "Brave",
    "startpage": "Startpage",
    "qwant": "Qwant",
    "seznam": "Seznam",
    "ask.com": "Ask",
    "yandex.ua": "Yandex",
    "meta.ua": "Meta.ua",
    "ukr.net": "Ukr.net",
}
SOCIAL_NETWORKS = {
    "vk.com": "VK",
    "vk.ru": "VK",
    "m.vk.com": "VK",
    "away.vk.com": "VK",
    "facebook": "Facebook",
    "fb.com": "Facebook",
    "l.facebook.com": "Facebook",
    "m.facebook.com": "Facebook",
    "ok.ru": "OK",
    "odnoklassniki": "OK",
    "t.me": "Telegram",
    "telegram": "Telegram",
    "twitter": "X",
    "t.co": "X",
    "x.com": "X",
    "instagram": "Instagram",
    "linkedin": "LinkedIn",
    "lnkd.in": "LinkedIn",
    "youtube": "YouTube",
    "dzen.ru": "Dzen",
    "zen.yandex": "Dzen",
    "reddit": "Reddit",
    "pikabu": "Pikabu",
    "habr": "Habr",
    "whatsapp": "WhatsApp",
    "viber": "Viber",
    "tiktok": "TikTok",
    "threads.net": "Threads",
}
WEBMAIL = {
    "mail.yandex": "Yandex Mail",
    "e.mail.ru": "Mail.ru",
    "mail.google": "Gmail",
    "outlook.live": "Outlook",
    "mail.rambler": "Rambler Mail",
    "mail.ukr.net": "Ukr.net Mail",
}
EMAIL_MEDIUMS = {"email", "e-mail", "newsletter", "mail"}
SOCIAL_MEDIUMS = {"social", "social-network", "social-media", "sm", "smm"}
SEARCH_MEDIUMS = {"organic", "cpc", "ppc", "paidsearch", "search"}
CHANNEL_SOURCES = {"widget": WIDGET, "vk": VK_APP, "facebook": FACEBOOK_APP}


@dataclass(frozen=True)
class Source:
    kind: str  # one of SOURCES (or INTERNAL: a page of the community itself)
    name: str = ""  # Google, VK, the referring host ...


def _host(referrer: str) -> str:
    try:
        host = urlsplit(referrer.strip()).hostname or ""
    except ValueError:
        return ""
    return host.lower().rstrip(".")


def _matches(host: str, table: dict[str, str]) -> str:
    labels = host.split(".")
    for key, name in table.items():
        if "." in key:
            if host == key or host.endswith("." + key) or host.startswith(key + ".") or f".{key}." in f".{host}.":
                return name
        elif key in labels[:-1]:  # a label other than the top-level domain: google.com, www.google.co.uk
            return name
    return ""


def _same_site(host: str, hosts) -> bool:
    return any(host == own or host.endswith("." + own) for own in hosts if own)


def classify(
    referrer: str | None, query: str | None = None, *, community_hosts=(), company_hosts=(), channel: str | None = None
) -> Source:
    """The source of one page view.

    `community_hosts`: the community's own host names (a referrer there is a page-to-page move: INTERNAL);
    `company_hosts`: the company's main site (support.bank.example lives beside www.bank.example);
    `channel`: set when the page was served inside the widget or a social app (it wins over everything).
    """
    if channel in CHANNEL_SOURCES:
        return Source(CHANNEL_SOURCES[channel])
    params = {k.lower(): v[0].strip().lower() for k, v in parse_qs(query or "").items() if v and v[0].strip()}
    medium, utm_source = params.get("utm_medium", ""), params.get("utm_source", "")
    if medium in EMAIL_MEDIUMS or utm_source in EMAIL_MEDIUMS:
        return Source(EMAIL, utm_source if utm_source not in EMAIL_MEDIUMS else "")
    if utm_source:
        as_host = utm_source if "." in utm_source else utm_source + ".com"
        if medium in SOCIAL_MEDIUMS or _matches(as_host, SOCIAL_NETWORKS):
            return Source(SOCIAL, _matches(as_host, SOCIAL_NETWORKS) or utm_source)
        if medium in SEARCH_MEDIUMS or _matches(as_host, SEARCH_ENGINES):
            return Source(SEARCH, _matches(as_host, SEARCH_ENGINES) or utm_source)
    host = _host(referrer or "")
    if not host:
        return Source(DIRECT)
    if _same_site(host, community_hosts):
        return Source(INTERNAL)
    if _same_site(host, company_hosts):
        return Source(COMPANY, host)
    webmail = _matches(host, WEBMAIL)
    if webmail:
        return Source(EMAIL, webmail)
    engine = _matches(host, SEARCH_ENGINES)
    if engine:
        return Source(SEARCH, engine)
    network = _matches(host, SOCIAL_NETWORKS)
    if network:
        return Source(SOCIAL, network)
    return Source(REFERRAL, host)


BOT_MARKERS = (
    "bot",
    "crawl",
    "spider",
    "slurp",
    "mediapartners",
    "facebookexternalhit",
    "vkshare",
    "telegrambot",
    "whatsapp",
    "preview",
    "python-requests",
    "python-urllib",
    "curl/",
    "wget",
    "httpclient",
    "okhttp",
    "go-http-client",
    "java/",
    "headlesschrome",
    "phantomjs",
    "lighthouse",
    "pingdom",
    "uptime",
    "monitor",
    "feedfetcher",
    "yandexmetrika",
    "scrapy",
    "axios/",
    "node-fetch",
    "libwww",
)


def is_bot(user_agent: str | None) -> bool:
    """Crawlers, link previews, monitors and scripts; an empty user agent counts as a bot too."""
    agent = (user_agent or "").lower()
    return not agent.strip() or any(marker in agent for marker in BOT_MARKERS)
