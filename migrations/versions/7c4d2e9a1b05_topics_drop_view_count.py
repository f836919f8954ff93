"""topics.view_count: dropped (it was never written; search popularity uses votes and comments)

Revision ID: 7c4d2e9a1b05
Revises: 7c4e9a1b2d30
Create Date: 2026-12-04 13:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '7c4d2e9a1b05'
down_revision = '7c4e9a1b2d30'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.drop_column('view_count')


def downgrade():
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('view_count', sa.Integer(), server_default='0', nullable=False))
