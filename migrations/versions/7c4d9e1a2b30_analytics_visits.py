"""analytics: page views (raw, purged after a year), visitor days and the daily visits roll-up

Revision ID: 7c4d9e1a2b30
Revises: 5b1e2c3d4f60
Create Date: 2026-12-04 12:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '7c4d9e1a2b30'
down_revision = '5b1e2c3d4f60'
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


def downgrade():
    op.drop_table('daily_visits')
    op.drop_table('visitor_days')
    with op.batch_alter_table('page_views', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_page_views_created_at'))
    op.drop_table('page_views')
