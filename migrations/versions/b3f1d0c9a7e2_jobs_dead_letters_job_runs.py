"""Background jobs: back-off and dead letters on the search outbox; job_runs (last run of each job)

Revision ID: b3f1d0c9a7e2
Revises: 7c4d9e1a2b30
Create Date: 2026-12-04 15:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b3f1d0c9a7e2"
down_revision = "5ec11b0d7a42"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "job_runs",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("last_started_at", sa.DateTime(), nullable=True),
        sa.Column("last_success_at", sa.DateTime(), nullable=True),
        sa.Column("last_failure_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_result", sa.String(length=300), nullable=True),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_runs")),
    )
    with op.batch_alter_table("search_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("last_error", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("dead_at", sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_search_outbox_dead_at"), ["dead_at"], unique=False)


def downgrade():
    with op.batch_alter_table("search_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_outbox_dead_at"))
        batch_op.drop_column("dead_at")
        batch_op.drop_column("last_error")
        batch_op.drop_column("next_attempt_at")
    op.drop_table("job_runs")
