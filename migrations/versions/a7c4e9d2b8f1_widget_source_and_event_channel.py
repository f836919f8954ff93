"""The "Ask us!" widget: topics.source_url/source_title (the page a topic was asked from), events.channel

Revision ID: a7c4e9d2b8f1
Revises: 7c3f9a1d2b84
Create Date: 2026-12-04 12:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a7c4e9d2b8f1'
down_revision = '7c3f9a1d2b84'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_url', sa.String(length=2000), nullable=True))
        batch_op.add_column(sa.Column('source_title', sa.String(length=300), nullable=True))
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=20), nullable=True))
    # Every event recorded so far came from the ask form of the site itself.
    op.execute("UPDATE events SET channel = 'site'")


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('channel')
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.drop_column('source_title')
        batch_op.drop_column('source_url')
