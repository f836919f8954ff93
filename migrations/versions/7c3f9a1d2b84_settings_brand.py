"""settings: admin settings as JSON per key with a version (the brand is the first)

Revision ID: 7c3f9a1d2b84
Revises: 5b1e2c3d4f60
Create Date: 2026-12-04 12:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '7c3f9a1d2b84'
down_revision = '5b1e2c3d4f60'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'settings',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('value', sa.JSON(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_settings_updated_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_settings')),
    )


def downgrade():
    op.drop_table('settings')
