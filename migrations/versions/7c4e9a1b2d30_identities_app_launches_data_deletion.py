"""identities (sign-in providers linked to users), app_launches (used VK/Facebook launches), data_deletion_requests

Revision ID: 7c4e9a1b2d30
Revises: a7c4e9d2b8f1
Create Date: 2026-12-04 12:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = '7c4e9a1b2d30'
down_revision = 'a7c4e9d2b8f1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'identities',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('provider', sa.String(length=20), nullable=False),
        sa.Column('subject', sa.String(length=255), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('is_email_verified', sa.Boolean(), nullable=False),
        sa.Column('display_name', sa.String(length=120), nullable=True),
        sa.Column('last_used_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_identities_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_identities')),
        sa.UniqueConstraint('provider', 'subject', name='uq_identities_provider_subject'),
    )
    with op.batch_alter_table('identities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identities_user_id'), ['user_id'], unique=False)
    op.create_table(
        'app_launches',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_app_launches')),
        sa.UniqueConstraint('digest', name=op.f('uq_app_launches_digest')),
    )
    with op.batch_alter_table('app_launches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_app_launches_expires_at'), ['expires_at'], unique=False)
    op.create_table(
        'data_deletion_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('confirmation_code', sa.String(length=40), nullable=False),
        sa.Column('provider', sa.String(length=20), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('identities_removed', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_data_deletion_requests')),
        sa.UniqueConstraint('confirmation_code', name=op.f('uq_data_deletion_requests_confirmation_code')),
    )


def downgrade():
    op.drop_table('data_deletion_requests')
    with op.batch_alter_table('app_launches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_app_launches_expires_at'))
    op.drop_table('app_launches')
    with op.batch_alter_table('identities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identities_user_id'))
    op.drop_table('identities')
