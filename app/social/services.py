"""Importing a public post as a topic: take the importer (None for the command line) and plain data, flush,
never commit. Importing the same post twice returns the first import."""

import html
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.auth import services as auth_services
from app.common.errors import DomainError, Forbidden
from app.common.permissions import is_staff
from app.community import kinds
from app.community import services as community_services
from app.community.models import Category
from app.extensions import db
from app.notify import services as notify_services
from app.social.models import ExternalAuthor, SocialImport
from app.social.networks import HANDLE_RE, NETWORK_LABELS, normalise_handle, profile_url

TITLE_LENGTH = 100
TEXT_MAX = 10000  # well within a topic body, with room for the line breaks Markdown needs
# The mood an imported post gets, by type: a reported problem is upsetting, a question is neutral.
MOOD_FOR_TYPE = {kinds.PROBLEM: kinds.UPSET, kinds.QUESTION: kinds.INDIFFERENT}
IMPORT_TYPES = (kinds.PROBLEM, kinds.QUESTION)
AUTO = "auto"  # question when the text asks something, otherwise problem

_URL = re.compile(r"https?://\S+")
_LEADING_MENTIONS = re.compile(r"^(?:[@.]?@\w+[\s,:]*)+")


@dataclass(frozen=True)
class ExternalPost:
    network: str
    external_id: str
    url: str
    text: str
    handle: str
    name: str = ""
    posted_at: datetime | None = None
    author_external_id: str | None = None


def find_import(network: str, external_id: str) -> SocialImport | None:
    return db.session.scalar(
        select(SocialImport).where(SocialImport.network == network, SocialImport.external_id == external_id)
    )


def topic_type_for(text: str, setting: str) -> str:
    if setting == AUTO:
        return kinds.QUESTION if "?" in text else kinds.PROBLEM
    return setting


def title_from_text(text: str, handle: str) -> str:
    """The first words of the post, without links and the @mentions it starts with."""
    words = " ".join(_LEADING_MENTIONS.sub("", _URL.sub(" ", text).strip()).split())
    if len(words) < 5:
        return str(_l("Post by @%(handle)s", handle=handle))
    if len(words) <= TITLE_LENGTH:
        return words
    cut = words[: TITLE_LENGTH - 1]
    if " " in cut[TITLE_LENGTH // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:-") + "…"


def body_from_text(text: str) -> str:
    """The post as Markdown: its line breaks kept."""
    return "  \n".join(line.strip() for line in text.strip().splitlines())


def _clean_post(post: ExternalPost) -> tuple[str, str, str]:
    if post.network not in NETWORK_LABELS:
        raise DomainError(_l("We can import posts from X, VK, Facebook and Telegram."), field="url")
    handle = normalise_handle(post.handle)
    if not HANDLE_RE.match(handle):
        raise DomainError(_l("Enter the author's handle (letters, digits, “_”, “.” or “-”)."), field="handle")
    if not post.external_id or len(post.external_id) > 255 or len(post.url) > 500:
        raise DomainError(_l("This link is too long."), field="url")
    text = html.unescape(post.text or "").replace("\x00", "").strip()
    if not text:
        raise DomainError(_l("The post has no text."), field="text")
    if len(text) > TEXT_MAX:
        raise DomainError(_l("The text must be at most %(n)d characters long.", n=TEXT_MAX), field="text")
    return handle, text, " ".join((post.name or "").split())[:120]


def _external_author(network: str, handle: str, name: str, external_id: str | None) -> ExternalAuthor:
    author = None
    if external_id:
        author = db.session.scalar(
            select(ExternalAuthor).where(ExternalAuthor.network == network, ExternalAuthor.external_id == external_id)
        )
    if author is None:
        author = db.session.scalar(
            select(ExternalAuthor).where(ExternalAuthor.network == network, ExternalAuthor.handle == handle)
        )
    if author is None:
        user = auth_services.create_user_without_password(
            f"{network}-{secrets.token_hex(8)}@imported.invalid", (name or f"@{handle}")[:80]
        )
        notify_services.update_settings(user, email_enabled=False)  # nobody reads that mailbox
        author = ExternalAuthor(
            network=network,
            handle=handle,
            name=name,
            profile_url=profile_url(network, handle),
            external_id=external_id,
            user=user,
        )
        db.session.add(author)
        db.session.flush()
        return author
    if external_id and author.external_id is None:
        author.external_id = external_id
    if (
        author.handle != handle
        and db.session.scalar(
            select(ExternalAuthor.id).where(ExternalAuthor.network == network, ExternalAuthor.handle == handle)
        )
        is None
    ):  # renamed on the network
        author.handle = handle
        author.profile_url = profile_url(network, handle)
    if name and name != author.name:
        author.name = name
        author.user.display_name = name[:80]
    return author


def import_post(
    actor, post: ExternalPost, category_id: int, topic_type: str, mood: str | None = None
) -> tuple[SocialImport, bool]:
    """Make a topic of `post` attributed to its external author. Returns (the import, whether it is new).

    `actor` is the staff member importing it, or None for the command line. Everything is checked before anything
    is written, so a refused post leaves nothing behind.
    """
    if actor is not None and not is_staff(actor):
        raise Forbidden(_l("Only staff can import posts."))
    existing = find_import(post.network, post.external_id)
    if existing is not None:
        return existing, False
    handle, text, name = _clean_post(post)
    topic_type = topic_type_for(text, topic_type)
    if topic_type not in IMPORT_TYPES:
        raise DomainError(_l("Imported posts become questions or problems."), field="topic_type")
    mood = mood or MOOD_FOR_TYPE[topic_type]
    if mood not in kinds.MOODS:
        raise DomainError(_l("Choose one of the listed moods."), field="mood")
    if not isinstance(category_id, int) or db.session.get(Category, category_id) is None:
        raise DomainError(_l("Choose one of the listed categories."), field="category_id")

    author = _external_author(post.network, handle, name, post.author_external_id)
    topic = community_services.create_topic(
        author.user,
        topic_type,
        title_from_text(text, handle),
        body_from_text(text),
        category_id,
        mood=mood,
        channel=kinds.IMPORT,
    )
    record = SocialImport(
        network=post.network,
        external_id=post.external_id,
        url=post.url,
        text=text,
        posted_at=post.posted_at,
        external_author=author,
        topic_id=topic.id,
        imported_by_id=actor.id if actor is not None else None,
    )
    db.session.add(record)
    db.session.flush()
    return record, True
