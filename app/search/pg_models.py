"""Tables of the PostgreSQL search backend (app/search/backends/postgres_backend.py).

The backend stores the output of our own analyser (app/search/analysis.py), never raw text: `*_terms` hold
the analysed terms joined by spaces and `tsv` is computed at upsert time from exactly those terms (tsvector
input text `'term':1A,7C ...` cast in SQL: each term one lexeme, with its positions and a weight: A title,
B official answers, C body, D the "also asked as" phrasings). Not to_tsvector('simple', ...): its parser would split terms again ("wi-fi"
-> "wi-fi", "wi", "fi"). So PostgreSQL's parser and dictionaries never touch the text and both backends see
the same terms for documents and queries.

`search_terms` is the vocabulary (term -> number of documents containing it): inverse document frequencies
for ranking and, through a pg_trgm index, typo correction and "did you mean".

`search_stats` is one row: the number of documents and the sums of their title and other field lengths (BM25F's
collection statistics), kept by every write in the same transaction as the documents (`n = n + delta`), so a
query reads them by primary key instead of counting the table.

On SQLite (the default database; `db.create_all()` runs on it in tests) `tsv` is plain TEXT and the
PostgreSQL-only indexes and the pg_trgm extension are skipped: the backend is only used on PostgreSQL.
"""

from datetime import datetime

from sqlalchemy import DDL, BigInteger, Boolean, DateTime, Float, Index, Integer, String, Text, event
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

# TSVECTOR on PostgreSQL, TEXT elsewhere (never written there).
TsVector = Text().with_variant(postgresql.TSVECTOR(), "postgresql")


class SearchDocument(db.Model):
    """One indexed item of the PostgreSQL backend (the analogue of a Whoosh document)."""

    __tablename__ = "search_documents"
    __table_args__ = (
        # fastupdate off: no pending list to scan on every query (writes are few, reads are many).
        Index("ix_search_documents_tsv", "tsv", postgresql_using="gin", postgresql_with={"fastupdate": "off"}).ddl_if(
            dialect="postgresql"
        ),
        # A suggestion for a common word ranks the most popular of its documents (pg_ranking.MAX_CANDIDATES):
        # walked backwards in this order, the query stops after them instead of reading every document with
        # the word.
        Index("ix_search_documents_popularity", "popularity", "kind", "ref_id").ddl_if(dialect="postgresql"),
        Index("ix_search_documents_visibility", "visibility", "author_id"),
        Index("ix_search_documents_filters", "kind", "category_id", "status", "type"),
    )

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    ref_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    title_terms: Mapped[str] = mapped_column(Text, nullable=False, default="")
    answer_terms: Mapped[str] = mapped_column(Text, nullable=False, default="")
    body_terms: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # "Also asked as" (app/learning): weight D in tsv; not counted in term_count.
    also_terms: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")
    # Numbers of analysed terms, all fields and the title alone: field lengths for BM25F.
    term_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    title_term_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    tsv = mapped_column(TsVector, nullable=False)
    type: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str | None] = mapped_column(String(20))
    category_id: Mapped[int | None] = mapped_column(Integer)
    department_id: Mapped[int | None] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(Integer)
    visibility: Mapped[str] = mapped_column(String(10), nullable=False, default="public")
    has_answer: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    popularity: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)

    def __repr__(self) -> str:
        return f"<SearchDocument {self.kind}:{self.ref_id}>"


class SearchTerm(db.Model):
    """The vocabulary of search_documents, maintained by the backend on every upsert and delete."""

    __tablename__ = "search_terms"
    __table_args__ = (
        Index(
            "ix_search_terms_trgm",
            "term",
            postgresql_using="gin",
            postgresql_ops={"term": "gin_trgm_ops"},
            postgresql_with={"fastupdate": "off"},
        ).ddl_if(dialect="postgresql"),
    )

    term: Mapped[str] = mapped_column(Text, primary_key=True)
    doc_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    def __repr__(self) -> str:
        return f"<SearchTerm {self.term} {self.doc_count}>"


class SearchMeta(db.Model):
    """Facts about the index as a whole: 'analyser' -> the analyser fingerprint it was built with."""

    __tablename__ = "search_meta"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)

    def __repr__(self) -> str:
        return f"<SearchMeta {self.key}={self.value}>"


class SearchStats(db.Model):
    """The collection statistics of search_documents (one row, id 1): documents, the sum of title_term_count and
    the sum of term_count - title_term_count. Maintained by the backend's writes; rebuilt by its clear() and
    recount_stats()."""

    __tablename__ = "search_stats"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    documents: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    title_terms: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    rest_terms: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)

    def __repr__(self) -> str:
        return f"<SearchStats {self.documents} documents>"


# The trigram index needs pg_trgm (a migration does the same with op.execute before creating the index).
event.listen(
    SearchTerm.__table__,
    "before_create",
    DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),
)
