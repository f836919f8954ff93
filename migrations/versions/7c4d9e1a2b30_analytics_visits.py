"""analytics: page views (raw, purged after a year), visitor days, the daily visits roll-up; CSAT and NPS answers;
mood alerts; call-centre requests per month

Revision ID: 7c4d9e1a2b30
Revises: 7c3d9e1f2a40
Create Date: 2026-12-04 12:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '7c4d9e1a2b30'
down_revision = '7c3d9e1f2a40'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('page_views',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('path', sa.String(length=300), nullable=False),
    sa.Column('visitor', sa.String(length=32), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('source_name', sa.String(length=100), nullable=False),
    sa.Column('is_bot', sa.Boolean(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_page_views'))
    )
    with op.batch_alter_table('page_views', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_page_views_created_at'), ['created_at'], unique=False)
    op.create_table('visitor_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('visitor', sa.String(length=32), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('day', 'visitor', name=op.f('pk_visitor_days'))
    )
    op.create_table('daily_visits',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('source_name', sa.String(length=100), nullable=False),
    sa.Column('page_views', sa.Integer(), nullable=False),
    sa.Column('visitors', sa.Integer(), nullable=False),
    sa.Column('bot_views', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'source', 'source_name', name=op.f('pk_daily_visits'))
    )
    op.create_table('csat_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('solved', sa.Boolean(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('representative_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_csat_responses_department_id_departments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['representative_id'], ['users.id'], name=op.f('fk_csat_responses_representative_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_csat_responses_topic_id_topics'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_csat_responses_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_csat_responses')),
    sa.UniqueConstraint('topic_id', name=op.f('uq_csat_responses_topic_id'))
    )
    with op.batch_alter_table('csat_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_csat_responses_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_csat_responses_department_id'), ['department_id'], unique=False)
    op.create_table('nps_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.String(length=7), nullable=False),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_nps_responses_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nps_responses')),
    sa.UniqueConstraint('user_id', 'quarter', name='uq_nps_responses_user_quarter')
    )
    with op.batch_alter_table('nps_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nps_responses_created_at'), ['created_at'], unique=False)
    op.create_table('mood_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('week', sa.String(length=8), nullable=False),
    sa.Column('upset_share', sa.Float(), nullable=False),
    sa.Column('baseline_share', sa.Float(), nullable=False),
    sa.Column('upset_topics', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('cleared_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_mood_alerts_category_id_categories'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mood_alerts')),
    sa.UniqueConstraint('category_id', 'week', name='uq_mood_alerts_category_week')
    )
    for table in ('topics', 'comments', 'votes'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f'ix_{table}_created_at', ['created_at'], unique=False)
    op.create_table('call_centre_months',
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('requests', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('month', name=op.f('pk_call_centre_months'))
    )


def downgrade():
    op.drop_table('call_centre_months')
    op.drop_table('mood_alerts')
    for table in ('votes', 'comments', 'topics'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_created_at')
    with op.batch_alter_table('nps_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nps_responses_created_at'))
    op.drop_table('nps_responses')
    with op.batch_alter_table('csat_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_csat_responses_department_id'))
        batch_op.drop_index(batch_op.f('ix_csat_responses_created_at'))
    op.drop_table('csat_responses')
    op.drop_table('daily_visits')
    op.drop_table('visitor_days')
    with op.batch_alter_table('page_views', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_page_views_created_at'))
    op.drop_table('page_views')
