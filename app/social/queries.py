"""Reads: where an imported topic came from."""

from sqlalchemy import select

from app.extensions import db
from app.social.models import SocialImport


def source_of(topic_id: int) -> SocialImport | None:
    return db.session.scalar(select(SocialImport).where(SocialImport.topic_id == topic_id))
