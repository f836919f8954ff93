"""analytics: participant_days (each day someone took part, linked to their previous one: distinct participants
of any period counted without a DISTINCT); topic_service's day index covers the columns the dashboard reads

participant_days is filled from daily_participants (LAG over each person's days); the roll-up job keeps it from
then on, and `flask analytics rebuild` rebuilds it with the other roll-ups.

Revision ID: d7e1a4c2b9f0
Revises: a2f9c3d41b07
Create Date: 2026-12-04 22:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd7e1a4c2b9f0'
down_revision = 'a2f9c3d41b07'
branch_labels = None
depends_on = None

CLOCK = ['day', 'department_id', 'assignee_id', 'first_response_hours', 'solution_hours', 'first_response_at',
         'first_response_due_at', 'resolved_at', 'resolution_due_at', 'waiting_for_customer']


def upgrade():
    op.create_table('participant_days',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('previous_day', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('user_id', 'day', name=op.f('pk_participant_days'))
    )
    op.execute(
        "INSERT INTO participant_days (user_id, day, previous_day)"
        " SELECT user_id, day, coalesce(lag(day) OVER (PARTITION BY user_id ORDER BY day), '0001-01-01')"
        " FROM (SELECT DISTINCT user_id, day FROM daily_participants) AS people"
    )
    with op.batch_alter_table('participant_days', schema=None) as batch_op:
        batch_op.create_index('ix_participant_days_day_previous', ['day', 'previous_day'], unique=False)
    with op.batch_alter_table('topic_service', schema=None) as batch_op:
        batch_op.drop_index('ix_topic_service_day_department')
        batch_op.create_index('ix_topic_service_day_clock', CLOCK, unique=False)


def downgrade():
    with op.batch_alter_table('topic_service', schema=None) as batch_op:
        batch_op.drop_index('ix_topic_service_day_clock')
        batch_op.create_index('ix_topic_service_day_department', ['day', 'department_id'], unique=False)
    with op.batch_alter_table('participant_days', schema=None) as batch_op:
        batch_op.drop_index('ix_participant_days_day_previous')
    op.drop_table('participant_days')
