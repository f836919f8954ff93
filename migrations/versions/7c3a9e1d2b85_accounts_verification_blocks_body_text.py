"""accounts and page cost: users.email_verified_at and posting blocks (moderation_actions may be about a
person: user_id, topic_id nullable); topics.body_text and comments.body_text (plain text of
body_html, computed once when written)

Revision ID: 7c3a9e1d2b85
Revises: 7c4d2e9f1a03
Create Date: 2026-12-04 13:00:00

"""
import re
from html import unescape

from alembic import op
import sqlalchemy as sa


revision = '7c3a9e1d2b85'
down_revision = '7c4d2e9f1a03'
branch_labels = None
depends_on = None

# The same as app.common.html.plain_text (copied: a migration must not change when the app's code does).
_TAG_RE = re.compile(r"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")
BATCH = 500


def _fill_body_text(table_name: str) -> None:
    table = sa.table(table_name, sa.column('id', sa.Integer), sa.column('body_html', sa.Text),
                     sa.column('body_text', sa.Text))
    connection = op.get_bind()
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(table.c.id, table.c.body_html).where(table.c.id > last_id).order_by(table.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        for row_id, body_html in rows:
            connection.execute(table.update().where(table.c.id == row_id)
                               .values(body_text=unescape(_TAG_RE.sub("", body_html or ""))))
        last_id = rows[-1][0]


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_verified_at', sa.DateTime(), nullable=True))
    # Accounts that existed before confirmation links were sent count as confirmed.
    op.execute("UPDATE users SET email_verified_at = created_at")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('posting_blocked_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('posting_blocked_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('posting_block_reason', sa.String(length=500), nullable=True))
    with op.batch_alter_table('moderation_actions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=True))
        batch_op.alter_column('topic_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_moderation_actions_user_id'), ['user_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_moderation_actions_user_id_users'), 'users', ['user_id'], ['id'],
                                    ondelete='CASCADE')
    for table_name in ('topics', 'comments'):
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            batch_op.add_column(sa.Column('body_text', sa.Text(), server_default='', nullable=False))
        _fill_body_text(table_name)


def downgrade():
    for table_name in ('comments', 'topics'):
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            batch_op.drop_column('body_text')
    op.execute("DELETE FROM moderation_actions WHERE topic_id IS NULL")
    with op.batch_alter_table('moderation_actions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_moderation_actions_user_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_moderation_actions_user_id'))
        batch_op.alter_column('topic_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('user_id')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('posting_block_reason')
        batch_op.drop_column('posting_blocked_until')
        batch_op.drop_column('posting_blocked_at')
        batch_op.drop_column('email_verified_at')
