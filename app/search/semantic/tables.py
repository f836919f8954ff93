"""The tables of matching by meaning (see store.py): in the app's schema for the PostgreSQL backend (they
exist, empty, in every app database), and created in `vectors.sqlite3` beside the Whoosh index."""

from sqlalchemy import Column, Integer, LargeBinary, String, Table

from app.extensions import db

vector_model = Table(
    "search_vector_model",
    db.metadata,
    Column("name", String(32), primary_key=True),
    Column("version", String(64), nullable=False),
    Column("data", LargeBinary, nullable=False),
)
vectors = Table(
    "search_vectors",
    db.metadata,
    Column("kind", String(32), primary_key=True),
    Column("ref_id", Integer, primary_key=True, index=True),
    Column("vec", LargeBinary, nullable=False),
)
