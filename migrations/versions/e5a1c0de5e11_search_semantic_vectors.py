"""search: vectors for matching by meaning (the trained model and one vector per indexed document, as bytes)

Revision ID: e5a1c0de5e11
Revises: 7c4d9e1a2b30
Create Date: 2026-12-04 15:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'e5a1c0de5e11'
down_revision = 'b13a7e5d0c91'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_vector_model',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('version', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_search_vector_model'))
    )
    op.create_table('search_vectors',
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=False),
    sa.Column('vec', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'ref_id', name=op.f('pk_search_vectors'))
    )
    op.create_index(op.f('ix_search_vectors_ref_id'), 'search_vectors', ['ref_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_search_vectors_ref_id'), table_name='search_vectors')
    op.drop_table('search_vectors')
    op.drop_table('search_vector_model')
