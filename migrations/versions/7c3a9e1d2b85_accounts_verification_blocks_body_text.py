"""accounts: users.email_verified_at

Revision ID: 7c3a9e1d2b85
Revises: 5b1e2c3d4f60
Create Date: 2026-12-04 13:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '7c3a9e1d2b85'
down_revision = '5b1e2c3d4f60'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_verified_at', sa.DateTime(), nullable=True))
    # Accounts that existed before confirmation links were sent count as confirmed.
    op.execute("UPDATE users SET email_verified_at = created_at")


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_verified_at')
