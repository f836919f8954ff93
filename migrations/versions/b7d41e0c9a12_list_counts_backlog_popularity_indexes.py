"""community: topic_list_counts, the totals of the topic lists kept by the services (app/community/counts.py);
search (PostgreSQL): ix_search_documents_popularity, the order suggest's capped candidates are walked in;
staff: ix_topic_work_items_backlog, the open work in queue order (partial index);
community: ix_topics_private_author, a customer's own private topics (partial index)

topic_list_counts is filled from the topics here; from then on every topic write adds its difference in the same
transaction.

Revision ID: b7d41e0c9a12
Revises: a2f9c3d41b07
Create Date: 2026-12-04 21:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b7d41e0c9a12'
down_revision = 'a2f9c3d41b07'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('topic_list_counts',
    sa.Column('category_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('is_hidden', sa.Boolean(), nullable=False),
    sa.Column('is_private', sa.Boolean(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('category_id', 'type', 'status', 'is_hidden', 'is_private',
                            name=op.f('pk_topic_list_counts'))
    )
    op.execute(
        "INSERT INTO topic_list_counts (category_id, type, status, is_hidden, is_private, n) "
        "SELECT category_id, type, status, is_hidden, is_private, count(*) FROM topics "
        "WHERE is_deleted = false GROUP BY category_id, type, status, is_hidden, is_private"
    )
    op.create_index('ix_topic_work_items_backlog', 'topic_work_items', ['waiting_since', 'topic_id'], unique=False,
                    postgresql_where=sa.text('resolved_at IS NULL'), sqlite_where=sa.text('resolved_at IS NULL'))
    op.create_index('ix_topics_private_author', 'topics', ['author_id'], unique=False,
                    postgresql_where=sa.text('is_private'), sqlite_where=sa.text('is_private = 1'))
    if op.get_bind().dialect.name == 'postgresql':
        op.create_index('ix_search_documents_popularity', 'search_documents',
                        ['popularity', 'kind', 'ref_id'], unique=False)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_search_documents_popularity', table_name='search_documents')
    op.drop_index('ix_topics_private_author', table_name='topics',
                  postgresql_where=sa.text('is_private'), sqlite_where=sa.text('is_private = 1'))
    op.drop_index('ix_topic_work_items_backlog', table_name='topic_work_items',
                  postgresql_where=sa.text('resolved_at IS NULL'), sqlite_where=sa.text('resolved_at IS NULL'))
    op.drop_table('topic_list_counts')
