"""speed: index for a category's topic list (category, visibility, last activity)

Revision ID: 5e8a1c3f9b72
Revises: 7c4d9e1a2b30
Create Date: 2026-12-04 15:40:00
"""

from alembic import op

revision = "5e8a1c3f9b72"
down_revision = "b3f1d0c9a7e2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("topics", schema=None) as batch_op:
        batch_op.create_index(
            "ix_topics_category_listing", ["category_id", "is_deleted", "is_hidden", "last_activity_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("topics", schema=None) as batch_op:
        batch_op.drop_index("ix_topics_category_listing")
