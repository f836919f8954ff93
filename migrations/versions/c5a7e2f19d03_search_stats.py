"""search (PostgreSQL backend): search_stats, the document count and field-length sums BM25F ranks with

Every write of the backend adds its difference to this row in the same transaction as the documents; it is filled
here from the documents indexed now (the backend's recount_stats() does the same later).

Revision ID: c5a7e2f19d03
Revises: b3c8f1a05d27
Create Date: 2026-12-05 02:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c5a7e2f19d03'
down_revision = 'b3c8f1a05d27'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_stats',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('documents', sa.BigInteger(), nullable=False),
    sa.Column('title_terms', sa.BigInteger(), nullable=False),
    sa.Column('rest_terms', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_stats'))
    )
    op.execute(
        "INSERT INTO search_stats (id, documents, title_terms, rest_terms) "
        "SELECT 1, count(*), coalesce(sum(title_term_count), 0), coalesce(sum(term_count - title_term_count), 0) "
        "FROM search_documents"
    )


def downgrade():
    op.drop_table('search_stats')
