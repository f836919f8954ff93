"""analytics roll-ups: daily_activity, daily_participants, daily_funnel, topic_service, rollup_outbox

Revision ID: b13a7e5d0c91
Revises: 7c4d9e1a2b30
Create Date: 2026-12-04 15:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b13a7e5d0c91'
down_revision = 'e5a1c0f7d342'
branch_labels = None
depends_on = None

COUNTS = ('questions', 'problems', 'ideas', 'praises', 'satisfied', 'indifferent', 'upset', 'solved', 'comments',
          'official_answers', 'votes')
FUNNEL = ('shown', 'clicked', 'deflected', 'posted_after', 'posted_total')


def upgrade():
    op.create_table('daily_activity',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    *[sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS],
    sa.PrimaryKeyConstraint('day', 'category_id', 'department_id', 'channel', name=op.f('pk_daily_activity'))
    )
    op.create_table('daily_participants',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'department_id', 'user_id', name=op.f('pk_daily_participants'))
    )
    with op.batch_alter_table('daily_participants', schema=None) as batch_op:
        batch_op.create_index('ix_daily_participants_day_user', ['day', 'user_id'], unique=False)
    op.create_table('daily_funnel',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    *[sa.Column(name, sa.Integer(), nullable=False) for name in FUNNEL],
    sa.PrimaryKeyConstraint('day', 'channel', name=op.f('pk_daily_funnel'))
    )
    op.create_table('topic_service',
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('first_response_hours', sa.Float(), nullable=True),
    sa.Column('solution_hours', sa.Float(), nullable=True),
    sa.Column('first_response_at', sa.DateTime(), nullable=True),
    sa.Column('first_response_due_at', sa.DateTime(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('resolution_due_at', sa.DateTime(), nullable=True),
    sa.Column('waiting_for_customer', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('topic_id', name=op.f('pk_topic_service'))
    )
    with op.batch_alter_table('topic_service', schema=None) as batch_op:
        batch_op.create_index('ix_topic_service_day_department', ['day', 'department_id'], unique=False)
    op.create_table('rollup_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rollup_outbox'))
    )
    # Existing data: `flask analytics rebuild` fills the roll-ups (run it once after upgrading).


def downgrade():
    op.drop_table('rollup_outbox')
    with op.batch_alter_table('topic_service', schema=None) as batch_op:
        batch_op.drop_index('ix_topic_service_day_department')
    op.drop_table('topic_service')
    op.drop_table('daily_funnel')
    with op.batch_alter_table('daily_participants', schema=None) as batch_op:
        batch_op.drop_index('ix_daily_participants_day_user')
    op.drop_table('daily_participants')
    op.drop_table('daily_activity')
