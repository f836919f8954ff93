"""users.timezone: the time zone a user reads times in (None: the community's DEFAULT_TIMEZONE)

Revision ID: 7c3d9e1f2a40
Revises: 7c3a9e1d2b85
Create Date: 2026-12-04 13:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '7c3d9e1f2a40'
down_revision = '7c3a9e1d2b85'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timezone', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('timezone')
