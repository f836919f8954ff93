"""search_vectors: document vectors for the semantic signal of smart search

Revision ID: d7e1a2b3c4f5
Revises: 7c4e9a1b2d30
Create Date: 2026-12-04 13:35:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'd7e1a2b3c4f5'
down_revision = '7c4e9a1b2d30'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'search_vectors',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('ref_id', sa.Integer(), nullable=False),
        sa.Column('visibility', sa.String(length=10), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('vec', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_vectors')),
        sa.UniqueConstraint('kind', 'ref_id', name='uq_search_vectors_key'),
    )


def downgrade():
    op.drop_table('search_vectors')
