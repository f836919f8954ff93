"""flask media prune: remove abandoned uploads (never attached to content) and files without a row."""

from datetime import timedelta

import click

from app.common.db import utcnow
from app.extensions import db
from app.media import services
from app.media.storage import get_storage


def register(bp) -> None:
    @bp.cli.command("prune")
    @click.option(
        "--hours",
        default=24,
        show_default=True,
        type=click.IntRange(min=1),
        help="Only touch uploads and files older than this.",
    )
    def prune_command(hours: int):
        """Delete uploads never attached to a topic, comment or article, and files no upload row names."""
        cutoff = utcnow() - timedelta(hours=hours)
        names = services.delete_unattached(cutoff)
        db.session.commit()
        storage = get_storage()
        for name in names:  # rows first, files after commit: a row never points at a missing file
            storage.delete(name)
        orphans = services.orphan_files(cutoff)
        for name in orphans:
            storage.delete(name)
        click.echo(f"Deleted {len(names)} unattached uploads and {len(orphans)} orphaned files.")
