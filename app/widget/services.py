"""Writes of the widget: a request posted from the panel, the panel's deflection events. Never commit."""

from urllib.parse import urlsplit

from app.analytics import services as analytics
from app.community import kinds
from app.community import services as community
from app.widget.origins import normalise_origin

SOURCE_URL_MAX = 2000
SOURCE_TITLE_MAX = 300


def clean_source(url, title, allowed: tuple[str, ...]) -> tuple[str | None, str | None]:
    """The host page's URL and title as the panel received them; kept only for an http(s) page of an allowed site."""
    if not isinstance(url, str) or len(url) > SOURCE_URL_MAX:
        return None, None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None, None
    if normalise_origin(f"{parts.scheme}://{parts.netloc}") not in allowed:
        return None, None
    title = " ".join(title.split())[:SOURCE_TITLE_MAX] if isinstance(title, str) else ""
    return url, title or None


def post_widget_request(
    author,
    topic_type: str,
    title: str,
    body: str,
    category_id,
    mood=None,
    source_url=None,
    source_title=None,
    draft_id=None,
    allowed: tuple[str, ...] = (),
    channel: str = kinds.WIDGET,
):
    """A new topic from a panel (the "Ask us!" widget, or the VK/Facebook app), with the page it was asked from."""
    topic = community.create_topic(author, topic_type, title, body, category_id, mood=mood, channel=channel)
    topic.source_url, topic.source_title = clean_source(source_url, source_title, allowed)
    analytics.record_event(
        analytics.TOPIC_POSTED, author.id, draft_id, "topic", topic.id, channel=channel, category_id=topic.category_id
    )
    return topic


def record_panel_event(
    name, draft_id, subject_kind=None, subject_id=None, count=None, channel: str = kinds.WIDGET, category=None
):
    """A suggestion shown or clicked in the panel (same events as the ask form, with the panel's channel)."""
    return analytics.record_client_event(
        name,
        None,
        draft_id,
        subject_kind=subject_kind,
        subject_id=subject_id,
        count=count,
        channel=channel,
        category=category,
    )
