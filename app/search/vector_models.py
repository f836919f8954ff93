"""Document vectors for the semantic signal (app/search/semantic.py), one row per indexed item, on either
database: float32 bytes in a portable LargeBinary column (BLOB on SQLite, bytea on PostgreSQL; pgvector is
not packaged here). Written by the outbox drain and `flask search reindex` in the drain's own transaction;
read into an in-process matrix (vector_store.py)."""
from sqlalchemy import Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class SearchVector(db.Model):
    __tablename__ = "search_vectors"
    __table_args__ = (UniqueConstraint("kind", "ref_id", name="uq_search_vectors_key"),)

    # Grows with every write (a changed item gets a new row): readers load only rows above what they hold.
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    ref_id: Mapped[int] = mapped_column(Integer, nullable=False)
    visibility: Mapped[str] = mapped_column(String(10), nullable=False)
    author_id: Mapped[int | None] = mapped_column(Integer)
    vec: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
