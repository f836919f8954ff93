"""analytics: daily_zero_searches; the funnel per category (events.category_id, daily_funnel.category_id);
an index on topic_subscriptions.created_at (follows count as participation)

daily_funnel is a roll-up: it is recreated with the category in its key, and every day with ask-form events
is queued in rollup_outbox, so the worker (or `flask analytics rollup`) refills it from the raw events. Events
recorded before this revision have no category: their drafts show as "Category not known".

Revision ID: a2f9c3d41b07
Revises: c0e1f2a3b4d5
Create Date: 2026-12-04 18:40:00

"""
from datetime import date, datetime, timedelta

from alembic import op
import sqlalchemy as sa


revision = 'a2f9c3d41b07'
down_revision = 'c0e1f2a3b4d5'
branch_labels = None
depends_on = None

FUNNEL = ('shown', 'clicked', 'deflected', 'posted_after', 'posted_total')


def _funnel_table(with_category: bool):
    columns = [
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('channel', sa.String(length=20), nullable=False),
    ]
    key = ['day', 'channel']
    if with_category:
        columns.append(sa.Column('category_id', sa.Integer(), nullable=False))
        key.append('category_id')
    op.create_table('daily_funnel', *columns, *[sa.Column(n, sa.Integer(), nullable=False) for n in FUNNEL],
                    sa.PrimaryKeyConstraint(*key, name=op.f('pk_daily_funnel')))


def _queue_event_days():
    """Every day from the first to the last ask-form event, for the roll-up job to rebuild."""
    bind = op.get_bind()
    first, last = bind.execute(sa.text(
        "SELECT min(created_at), max(created_at) FROM events"
        " WHERE name IN ('suggestions_shown', 'suggestion_clicked', 'topic_posted')"
    )).one()
    if first is None:
        return
    first, last = (v if isinstance(v, datetime) else datetime.fromisoformat(str(v)) for v in (first, last))
    outbox = sa.table('rollup_outbox', sa.column('day', sa.Date()), sa.column('created_at', sa.DateTime()))
    now, day, rows = datetime.utcnow(), first.date(), []
    while day <= last.date():
        rows.append({'day': day, 'created_at': now})
        day += timedelta(days=1)
    for start in range(0, len(rows), 1000):
        op.bulk_insert(outbox, rows[start:start + 1000])


def upgrade():
    op.create_table('daily_zero_searches',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('query', sa.String(length=200), nullable=False),
    sa.Column('searches', sa.Integer(), nullable=False),
    sa.Column('visitors', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'query', name=op.f('pk_daily_zero_searches'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category_id', sa.Integer(), nullable=True))
    op.drop_table('daily_funnel')
    _funnel_table(with_category=True)
    with op.batch_alter_table('topic_subscriptions', schema=None) as batch_op:
        batch_op.create_index('ix_topic_subscriptions_created_at', ['created_at'], unique=False)
    _queue_event_days()


def downgrade():
    with op.batch_alter_table('topic_subscriptions', schema=None) as batch_op:
        batch_op.drop_index('ix_topic_subscriptions_created_at')
    op.drop_table('daily_funnel')
    _funnel_table(with_category=False)
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('category_id')
    op.drop_table('daily_zero_searches')
    _queue_event_days()
