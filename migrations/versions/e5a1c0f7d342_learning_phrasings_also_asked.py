"""learning: phrasings (also asked as), their votes and pending clicks; search_documents.also_terms

Revision ID: e5a1c0f7d342
Revises: 7c4d9e1a2b30
Create Date: 2026-12-04 15:10:00

"""

from alembic import op
import sqlalchemy as sa


revision = "e5a1c0f7d342"
down_revision = "5e8a1c3f9b72"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "phrasings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("customers", sa.Integer(), nullable=False),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["users.id"], name=op.f("fk_phrasings_approved_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phrasings")),
        sa.UniqueConstraint("kind", "ref_id", "key", name="uq_phrasings_kind_ref_key"),
    )
    with op.batch_alter_table("phrasings", schema=None) as batch_op:
        batch_op.create_index("ix_phrasings_kind_ref", ["kind", "ref_id"], unique=False)
    op.create_table(
        "phrasing_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phrasing_id", sa.Integer(), nullable=False),
        sa.Column("voter", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["phrasing_id"], ["phrasings.id"], name=op.f("fk_phrasing_votes_phrasing_id_phrasings"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phrasing_votes")),
        sa.UniqueConstraint("phrasing_id", "voter", name="uq_phrasing_votes_voter"),
    )
    op.create_table(
        "phrasing_clicks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.String(length=40), nullable=False),
        sa.Column("voter", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phrasing_clicks")),
    )
    with op.batch_alter_table("phrasing_clicks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_phrasing_clicks_draft_id"), ["draft_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_phrasing_clicks_created_at"), ["created_at"], unique=False)
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("also_terms", sa.Text(), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.drop_column("also_terms")
    with op.batch_alter_table("phrasing_clicks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_phrasing_clicks_created_at"))
        batch_op.drop_index(batch_op.f("ix_phrasing_clicks_draft_id"))
    op.drop_table("phrasing_clicks")
    op.drop_table("phrasing_votes")
    with op.batch_alter_table("phrasings", schema=None) as batch_op:
        batch_op.drop_index("ix_phrasings_kind_ref")
    op.drop_table("phrasings")
