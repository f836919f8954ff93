"""page cost: articles.body_text (plain text of body_html, computed once when written, like topics and comments)

Revision ID: 5ec11b0d7a42
Revises: 7c4d9e1a2b30
Create Date: 2026-12-04 15:10:00

"""

import re
from html import unescape

from alembic import op
import sqlalchemy as sa


revision = "5ec11b0d7a42"
down_revision = "7c4d9e1a2b30"
branch_labels = None
depends_on = None

# The same as app.common.html.plain_text (copied: a migration must not change when the app's code does).
_TAG_RE = re.compile(r"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")
BATCH = 500


def upgrade():
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body_text", sa.Text(), server_default="", nullable=False))
    table = sa.table(
        "articles", sa.column("id", sa.Integer), sa.column("body_html", sa.Text), sa.column("body_text", sa.Text)
    )
    connection = op.get_bind()
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(table.c.id, table.c.body_html).where(table.c.id > last_id).order_by(table.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        for row_id, body_html in rows:
            connection.execute(
                table.update().where(table.c.id == row_id).values(body_text=unescape(_TAG_RE.sub("", body_html or "")))
            )
        last_id = rows[-1][0]


def downgrade():
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("body_text")
