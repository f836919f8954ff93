"""notify: notify_events, what a request did that people hear of by e-mail; the notify.compose job renders the mails

Revision ID: c0e1f2a3b4d5
Revises: e5a1c0de5e11
Create Date: 2026-12-04 18:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c0e1f2a3b4d5'
down_revision = 'e5a1c0de5e11'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notify_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('dead_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notify_events'))
    )
    with op.batch_alter_table('notify_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notify_events_dead_at'), ['dead_at'], unique=False)


def downgrade():
    with op.batch_alter_table('notify_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notify_events_dead_at'))
    op.drop_table('notify_events')
