"""analytics: participant_day_counts (participant_days counted per day and previous day: a period's distinct
participants are a SUM over a few thousand rows); monthly_service_hours replaces monthly_service_times (the same
sorted lists, packed as little-endian doubles instead of JSON); monthly_funnel (daily_funnel summed per month: a
period's whole months read from it); monthly_service_counts (a month's target counts that do not change with the
clock) and topic_service's partial index of open clocks (the rest of the whole months' counts, read live)

Both are filled here from the tables they summarise; the roll-up job keeps them from then on, and `flask
analytics rebuild` rebuilds them with the other roll-ups.

Revision ID: b3c8f1a05d27
Revises: d7e1a4c2b9f0
Create Date: 2026-12-04 23:00:00

"""

import json
import sys
from array import array
from datetime import date, datetime

from alembic import op
import sqlalchemy as sa


revision = "b3c8f1a05d27"
down_revision = "d7e1a4c2b9f0"
branch_labels = None
depends_on = None


def _pack(values):
    packed = array("d", values)
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tobytes()


def _unpack(data):
    packed = array("d")
    packed.frombytes(bytes(data))
    if sys.byteorder == "big":
        packed.byteswap()
    return list(packed)


def _times_table(name, kind):
    return sa.table(
        name,
        sa.column("month", sa.Date()),
        sa.column("department_id", sa.Integer()),
        sa.column("assignee_id", sa.Integer()),
        sa.column("first_response_hours", kind),
        sa.column("solution_hours", kind),
    )


def _create_times(name, kind):
    op.create_table(
        name,
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=False),
        sa.Column("first_response_hours", kind, nullable=False),
        sa.Column("solution_hours", kind, nullable=False),
        sa.PrimaryKeyConstraint("month", "department_id", "assignee_id", name=op.f("pk_" + name)),
    )


def _copy_times(source, target, kind, convert):
    rows = (
        op.get_bind()
        .execute(
            sa.text(f"SELECT month, department_id, assignee_id, first_response_hours, solution_hours FROM {source}")
        )
        .all()
    )
    values = [
        {
            "month": m if isinstance(m, date) else date.fromisoformat(str(m)[:10]),
            "department_id": d,
            "assignee_id": p,
            "first_response_hours": convert(f),
            "solution_hours": convert(s),
        }
        for m, d, p, f, s in rows
    ]
    for start in range(0, len(values), 1000):
        op.bulk_insert(_times_table(target, kind), values[start : start + 1000])


def upgrade():
    op.create_table(
        "participant_day_counts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("previous_day", sa.Date(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "previous_day", name=op.f("pk_participant_day_counts")),
    )
    op.execute(
        "INSERT INTO participant_day_counts (day, previous_day, people)"
        " SELECT day, previous_day, count(*) FROM participant_days GROUP BY day, previous_day"
    )
    _create_times("monthly_service_hours", sa.LargeBinary())
    _copy_times(
        "monthly_service_times", "monthly_service_hours", sa.LargeBinary(), lambda text: _pack(json.loads(text))
    )
    op.drop_table("monthly_service_times")
    op.create_table(
        "monthly_funnel",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in FUNNEL),
        sa.PrimaryKeyConstraint("month", "channel", "category_id", name=op.f("pk_monthly_funnel")),
    )
    _fill_funnel_months()
    _service_counts()


FUNNEL = ["shown", "clicked", "deflected", "posted_after", "posted_total"]


def _fill_funnel_months():
    sums = {}
    rows = op.get_bind().execute(sa.text(f"SELECT day, channel, category_id, {', '.join(FUNNEL)} FROM daily_funnel"))
    for day, channel, category, *counts in rows:
        day = day if isinstance(day, date) else date.fromisoformat(str(day)[:10])
        row = sums.setdefault((day.replace(day=1), channel, category), [0] * len(FUNNEL))
        for i, count in enumerate(counts):
            row[i] += count or 0
    table = sa.table(
        "monthly_funnel",
        sa.column("month", sa.Date()),
        sa.column("channel", sa.String()),
        sa.column("category_id", sa.Integer()),
        *(sa.column(name, sa.Integer()) for name in FUNNEL),
    )
    values = [
        {"month": m, "channel": ch, "category_id": c, **dict(zip(FUNNEL, counts))}
        for (m, ch, c), counts in sums.items()
    ]
    for start in range(0, len(values), 1000):
        op.bulk_insert(table, values[start : start + 1000])


COUNTS = ["topics", "first_answered", "first_in_target", "solution_resolved", "solution_in_target"]
OPEN = ["day", "department_id", "assignee_id", "first_response_at", "first_response_due_at", "resolved_at",
        "resolution_due_at", "waiting_for_customer"]


def _when(value):
    return value if value is None or isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _service_counts():
    op.create_table(
        "monthly_service_counts",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.PrimaryKeyConstraint("month", "department_id", "assignee_id", name=op.f("pk_monthly_service_counts")),
    )
    sums = {}
    rows = op.get_bind().execute(sa.text(
        "SELECT day, department_id, assignee_id, first_response_at, first_response_due_at, resolved_at,"
        " resolution_due_at FROM topic_service"
    ))
    for day, department, person, answered, first_due, resolved, due in rows:
        day = day if isinstance(day, date) else date.fromisoformat(str(day)[:10])
        answered, first_due, resolved, due = (_when(v) for v in (answered, first_due, resolved, due))
        row = sums.setdefault((day.replace(day=1), department, person or 0), [0] * len(COUNTS))
        row[0] += 1
        if first_due is not None and answered is not None:
            row[1] += 1
            row[2] += answered <= first_due
        if due is not None and resolved is not None:
            row[3] += 1
            row[4] += resolved <= due
    table = sa.table(
        "monthly_service_counts",
        sa.column("month", sa.Date()),
        sa.column("department_id", sa.Integer()),
        sa.column("assignee_id", sa.Integer()),
        *(sa.column(name, sa.Integer()) for name in COUNTS),
    )
    values = [
        {"month": m, "department_id": d, "assignee_id": p, **dict(zip(COUNTS, counts))}
        for (m, d, p), counts in sums.items()
    ]
    for start in range(0, len(values), 1000):
        op.bulk_insert(table, values[start : start + 1000])
    with op.batch_alter_table("topic_service", schema=None) as batch_op:
        batch_op.create_index(
            "ix_topic_service_open",
            OPEN,
            unique=False,
            sqlite_where=sa.text("first_response_at IS NULL OR resolved_at IS NULL"),
            postgresql_where=sa.text("first_response_at IS NULL OR resolved_at IS NULL"),
        )


def downgrade():
    with op.batch_alter_table("topic_service", schema=None) as batch_op:
        batch_op.drop_index("ix_topic_service_open")
    op.drop_table("monthly_service_counts")
    op.drop_table("monthly_funnel")
    _create_times("monthly_service_times", sa.Text())
    _copy_times("monthly_service_hours", "monthly_service_times", sa.Text(), lambda data: json.dumps(_unpack(data)))
    op.drop_table("monthly_service_hours")
    op.drop_table("participant_day_counts")
