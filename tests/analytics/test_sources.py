"""Visit sources from real referrer strings and UTM tags, and bots from real user agents."""

import pytest

from app.analytics import sources
from app.analytics.sources import classify, is_bot

OWN = ("support.bank.example",)
COMPANY = ("bank.example",)


@pytest.mark.parametrize(
    "referrer, kind, name",
    [
        ("https://www.google.com/", sources.SEARCH, "Google"),
        ("https://www.google.ru/", sources.SEARCH, "Google"),
        ("https://www.google.com.ua/", sources.SEARCH, "Google"),
        (
            "https://yandex.ru/search/?text=%D0%BA%D0%B0%D0%BA+%D0%B7%D0%B0%D0%B1%D0%BB%D0%BE%D0%BA%D0%B8%D1%80%D0%BE%D0%B2%D0%B0%D1%82%D1%8C&lr=213",
            sources.SEARCH,
            "Yandex",
        ),
        ("https://ya.ru/", sources.SEARCH, "Yandex"),
        ("https://www.bing.com/search?q=bank+card+blocked&form=QBLH", sources.SEARCH, "Bing"),
        ("https://duckduckgo.com/", sources.SEARCH, "DuckDuckGo"),
        ("https://go.mail.ru/search?q=%D0%B1%D0%B0%D0%BD%D0%BA", sources.SEARCH, "Mail.ru"),
        ("https://search.yahoo.com/search?p=card", sources.SEARCH, "Yahoo"),
        ("https://vk.com/", sources.SOCIAL, "VK"),
        ("https://away.vk.com/away.php?to=https%3A%2F%2Fsupport.bank.example%2Ft%2F12", sources.SOCIAL, "VK"),
        ("https://m.vk.com/wall-1_2", sources.SOCIAL, "VK"),
        ("https://l.facebook.com/l.php?u=https%3A%2F%2Fsupport.bank.example%2F&h=AT0", sources.SOCIAL, "Facebook"),
        ("https://m.facebook.com/", sources.SOCIAL, "Facebook"),
        ("https://ok.ru/group/5555/topic/1", sources.SOCIAL, "OK"),
        ("https://t.me/", sources.SOCIAL, "Telegram"),
        ("https://web.telegram.org/", sources.SOCIAL, "Telegram"),
        ("https://t.co/AbCdEf123", sources.SOCIAL, "X"),
        ("https://x.com/bank/status/1", sources.SOCIAL, "X"),
        ("https://www.bank.example/cards/debit", sources.COMPANY, "www.bank.example"),
        ("https://bank.example/", sources.COMPANY, "bank.example"),
        ("https://mail.yandex.ru/?uid=1#inbox", sources.EMAIL, "Yandex Mail"),
        ("https://e.mail.ru/inbox/", sources.EMAIL, "Mail.ru"),
        ("https://mail.google.com/mail/u/0/", sources.EMAIL, "Gmail"),
        ("https://www.banki.ru/services/responses/bank/", sources.REFERRAL, "www.banki.ru"),
        ("https://googleusercontent.example.org/", sources.REFERRAL, "googleusercontent.example.org"),
        ("https://support.bank.example/t/12-card", sources.INTERNAL, ""),
        ("", sources.DIRECT, ""),
        (None, sources.DIRECT, ""),
        ("not a url at all", sources.DIRECT, ""),
        ("http://[broken", sources.DIRECT, ""),
    ],
)
def test_referrers(referrer, kind, name):
    assert classify(referrer, community_hosts=OWN, company_hosts=COMPANY) == sources.Source(kind, name)


@pytest.mark.parametrize(
    "query, referrer, kind, name",
    [
        ("utm_source=december-digest&utm_medium=email&utm_campaign=dec", "", sources.EMAIL, "december-digest"),
        ("utm_medium=e-mail", "", sources.EMAIL, ""),
        ("utm_source=vk&utm_medium=social", "", sources.SOCIAL, "VK"),
        ("utm_source=facebook&utm_medium=cpc", "", sources.SOCIAL, "Facebook"),
        ("utm_source=yandex&utm_medium=cpc", "", sources.SEARCH, "Yandex"),
        ("utm_source=google&utm_medium=organic", "https://www.google.com/", sources.SEARCH, "Google"),
        ("utm_source=partnerblog", "https://www.google.com/", sources.SEARCH, "Google"),
        ("page=2", "https://www.bing.com/", sources.SEARCH, "Bing"),
    ],
)
def test_utm_tags(query, referrer, kind, name):
    assert classify(referrer, query, community_hosts=OWN, company_hosts=COMPANY) == sources.Source(kind, name)


@pytest.mark.parametrize(
    "channel, kind", [("widget", sources.WIDGET), ("vk", sources.VK_APP), ("facebook", sources.FACEBOOK_APP)]
)
def test_channel_wins(channel, kind):
    assert classify("https://www.google.com/", "utm_medium=email", channel=channel).kind == kind


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "TelegramBot (like TwitterBot)",
        "Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)",
        "python-requests/2.32.3",
        "curl/8.5.0",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36",
        "",
    ],
)
def test_bots(agent):
    assert is_bot(agent)


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 YaBrowser/24.10.0",
    ],
)
def test_people(agent):
    assert not is_bot(agent)
