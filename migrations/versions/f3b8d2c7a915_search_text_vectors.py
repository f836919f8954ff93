"""search: English sentence embeddings (all-MiniLM-L6-v2), one row per embedded document, as bytes

Revision ID: f3b8d2c7a915
Revises: b7d41e0c9a12
Create Date: 2026-12-04 21:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f3b8d2c7a915"
down_revision = "b7d41e0c9a12"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "search_text_vectors",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=40), nullable=False),
        sa.Column("vec", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "ref_id", name=op.f("pk_search_text_vectors")),
    )
    op.create_index(op.f("ix_search_text_vectors_ref_id"), "search_text_vectors", ["ref_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_search_text_vectors_ref_id"), table_name="search_text_vectors")
    op.drop_table("search_text_vectors")
