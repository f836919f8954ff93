"""analytics: participant_days (each day someone took part, linked to their previous one: distinct participants
of any period counted without a DISTINCT); monthly_service_times (a month's response and solution times per
department and representative, sorted); topic_service's day index covers the columns the dashboard reads

participant_days is filled from daily_participants (LAG over each person's days), monthly_service_times from
topic_service; the roll-up job keeps both from then on, and `flask analytics rebuild` rebuilds them with the other
roll-ups.

Revision ID: d7e1a4c2b9f0
Revises: f3b8d2c7a915
Create Date: 2026-12-04 22:00:00

"""
import json
from datetime import date

from alembic import op
import sqlalchemy as sa


revision = 'd7e1a4c2b9f0'
down_revision = 'f3b8d2c7a915'
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
    op.create_table('monthly_service_times',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=False),
    sa.Column('first_response_hours', sa.Text(), nullable=False),
    sa.Column('solution_hours', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'department_id', 'assignee_id', name=op.f('pk_monthly_service_times'))
    )
    _fill_service_months()


def _fill_service_months():
    times = {}
    rows = op.get_bind().execute(sa.text(
        "SELECT day, department_id, assignee_id, first_response_hours, solution_hours FROM topic_service"
    ))
    for day, department, person, first, solution in rows:
        day = day if isinstance(day, date) else date.fromisoformat(str(day)[:10])
        lists = times.setdefault((day.replace(day=1), department, person or 0), ([], []))
        if first is not None:
            lists[0].append(first)
        if solution is not None:
            lists[1].append(solution)
    table = sa.table('monthly_service_times', sa.column('month', sa.Date()), sa.column('department_id', sa.Integer()),
                     sa.column('assignee_id', sa.Integer()), sa.column('first_response_hours', sa.Text()),
                     sa.column('solution_hours', sa.Text()))
    values = [{'month': m, 'department_id': d, 'assignee_id': p, 'first_response_hours': json.dumps(sorted(f)),
               'solution_hours': json.dumps(sorted(s))} for (m, d, p), (f, s) in times.items()]
    for start in range(0, len(values), 1000):
        op.bulk_insert(table, values[start:start + 1000])


def downgrade():
    op.drop_table('monthly_service_times')
    with op.batch_alter_table('topic_service', schema=None) as batch_op:
        batch_op.drop_index('ix_topic_service_day_clock')
        batch_op.create_index('ix_topic_service_day_department', ['day', 'department_id'], unique=False)
    with op.batch_alter_table('participant_days', schema=None) as batch_op:
        batch_op.drop_index('ix_participant_days_day_previous')
    op.drop_table('participant_days')
