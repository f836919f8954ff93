"""The tables of matching by meaning (see store.py): in the app's schema for the PostgreSQL backend (they
exist, empty, in every app database), and created in `vectors.sqlite3` beside the Whoosh index."""

from sqlalchemy import BigInteger, Column, Index, Integer, LargeBinary, String, Table

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
# Sentence embeddings (minilm.py, e5.py): one row per embedded document, independent of the LSA model (the
# encoders are fixed), with the model's name and a digest of the text embedded, so a reindex re-embeds only
# what changed; `seq`: the number of the write that stored it (store._bump_text), so that a process reads
# only the rows written since it last looked.
text_vectors = Table(
    "search_text_vectors",
    db.metadata,
    Column("kind", String(32), primary_key=True),
    Column("ref_id", Integer, primary_key=True, index=True),
    Column("model", String(64), nullable=False),
    Column("digest", String(40), nullable=False),
    Column("vec", LargeBinary, nullable=False),
    Column("seq", BigInteger, nullable=False, server_default="0"),
    Index("ix_search_text_vectors_model_seq", "model", "seq"),
)
