"""search: the write number of each sentence embedding (search_text_vectors.seq), so that processes read
only the embeddings written since they last looked; the text-vectors version row becomes that number

Revision ID: a9e5c3d2b147
Revises: c5a7e2f19d03
Create Date: 2026-12-05 11:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a9e5c3d2b147"
down_revision = "c5a7e2f19d03"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("search_text_vectors") as batch:
        batch.add_column(sa.Column("seq", sa.BigInteger(), nullable=False, server_default="0"))
        batch.create_index("ix_search_text_vectors_model_seq", ["model", "seq"], unique=False)
    # every process reads all embeddings once more (the version they knew was a random one)
    op.execute("DELETE FROM search_vector_model WHERE name = 'text-vectors'")
    op.execute("INSERT INTO search_vector_model (name, version, data) VALUES ('text-vectors', '0', '')")


def downgrade():
    with op.batch_alter_table("search_text_vectors") as batch:
        batch.drop_index("ix_search_text_vectors_model_seq")
        batch.drop_column("seq")
