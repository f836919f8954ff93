"""A name that must be unique among the rows of a table (categories, departments)."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.common.errors import DomainError
from app.extensions import db


def unique_name(model, name: str, own_id: int | None, taken_message) -> str:
    """A stripped, required name no other row of `model` has (`own_id`: the row being renamed).
    Raises DomainError on the "name" field."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_l("A name is required."), field="name")
    existing = db.session.scalar(select(model).where(model.name == name))
    if existing is not None and existing.id != own_id:
        raise DomainError(taken_message, field="name")
    return name
