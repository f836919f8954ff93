"""topics.channel: where a topic was posted (site, widget, vk, facebook, email, import)

Revision ID: 5b1e2c3d4f60
Revises: 1a02c72a3b3f
Create Date: 2026-12-04 12:05:00

"""
from alembic import op
import sqlalchemy as sa


revision = '5b1e2c3d4f60'
down_revision = '1a02c72a3b3f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=20), server_default='site', nullable=False))
        batch_op.create_index(batch_op.f('ix_topics_channel'), ['channel'], unique=False)
    op.execute("UPDATE topics SET channel = 'import' WHERE id IN (SELECT topic_id FROM social_imports)")


def downgrade():
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_topics_channel'))
        batch_op.drop_column('channel')
