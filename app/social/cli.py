"""flask import tweets FILE | flask import tweets --recent"""

import json
from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.common.db import utcnow
from app.common.errors import DomainError
from app.community.models import Category
from app.extensions import db
from app.social import services
from app.social.models import SocialImport
from app.social.networks import X
from app.social.x_api import XApiError, XClient, parse_search_response

import_cli = AppGroup("import", help="Import customers' public posts from social networks as topics.")

# Recent search looks back 7 days; since_id older than that is refused by the API.
SINCE_ID_WINDOW = timedelta(days=6)


def _category_id(value: str | None) -> int:
    value = (value or current_app.config.get("SOCIAL_IMPORT_CATEGORY") or "").strip()
    if not value:
        raise click.UsageError("Choose a category: --category ID|NAME or SOCIAL_IMPORT_CATEGORY.")
    category = db.session.get(Category, int(value)) if value.isdigit() and len(value) < 10 else None
    if category is None:
        category = db.session.scalar(select(Category).where(func.lower(Category.name) == value.lower()))
    if category is None:
        raise click.UsageError(f"No category {value!r}.")
    return category.id


def _topic_type(value: str | None) -> str:
    value = value or current_app.config.get("SOCIAL_IMPORT_TYPE") or "problem"
    if value not in (*services.IMPORT_TYPES, services.AUTO):
        raise click.UsageError(f"SOCIAL_IMPORT_TYPE must be problem, question or auto, not {value!r}.")
    return value


class Tally:
    def __init__(self):
        self.new = self.known = 0
        self.skipped: list[str] = []

    def report(self) -> None:
        for reason in self.skipped[:50]:
            click.echo(f"skipped {reason}")
        click.echo(f"Imported {self.new} new posts; {self.known} already imported; {len(self.skipped)} skipped.")


def _import_page(page, category_id: int, topic_type: str, tally: Tally) -> None:
    """One page is one unit of work. A post refused by the rules is skipped (nothing of it was written); if another
    importer took a post meanwhile (unique constraint), the page is rolled back and done again: now it is known."""
    tally.skipped.extend(page.skipped)
    for attempt in (1, 2):
        new = known = 0
        refused = []
        try:
            for post in page.posts:
                try:
                    _, created = services.import_post(None, post, category_id, topic_type)
                except DomainError as error:
                    refused.append(f"tweet {post.external_id}: {error.message}")
                    continue
                new, known = new + created, known + (not created)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            if attempt == 2:
                raise
            continue
        tally.new += new
        tally.known += known
        tally.skipped.extend(refused)
        return


def _since_id() -> str | None:
    newest = db.session.execute(
        select(SocialImport.external_id, SocialImport.posted_at)
        .where(SocialImport.network == X)
        .order_by(SocialImport.posted_at.desc().nulls_last(), SocialImport.id.desc())
        .limit(1)
    ).first()
    if newest is None or newest.posted_at is None or newest.posted_at < utcnow() - SINCE_ID_WINDOW:
        return None
    return newest.external_id


@import_cli.command("tweets")
@click.argument("file", type=click.File("rb"), required=False)
@click.option("--recent", is_flag=True, help="Fetch recent posts matching X_QUERY through the X API (X_BEARER_TOKEN).")
@click.option("--category", help="Category id or name for the new topics (default: SOCIAL_IMPORT_CATEGORY).")
@click.option(
    "--type",
    "topic_type",
    type=click.Choice(["problem", "question", "auto"]),
    help="Type of the new topics (default: SOCIAL_IMPORT_TYPE); auto: question if the post asks something.",
)
@click.option("--max-pages", type=click.IntRange(1, 100), help="Pages to fetch with --recent (default: X_MAX_PAGES).")
def tweets_command(file, recent, category, topic_type, max_pages):
    """Import tweets from FILE (an X API v2 search response, or a JSON list of them) or, with --recent, from the
    API. Posts imported before are recognised by their id and never imported twice."""
    if bool(file) == bool(recent):
        raise click.UsageError("Give either FILE or --recent.")
    category_id, topic_type = _category_id(category), _topic_type(topic_type)
    tally = Tally()
    if file is not None:
        try:
            data = json.load(file)
        except (ValueError, UnicodeDecodeError) as error:
            raise click.ClickException(f"{file.name} is not JSON: {error}") from error
        for response in data if isinstance(data, list) else [data]:
            _import_page(parse_search_response(response), category_id, topic_type, tally)
        tally.report()
        return
    config = current_app.config
    query = config.get("X_QUERY") or ""
    if not query:
        raise click.ClickException('Set X_QUERY (the X search query, e.g. "@yourbank -is:retweet").')
    try:
        client = XClient(
            config.get("X_BEARER_TOKEN") or "",
            config.get("X_API_BASE_URL") or "https://api.x.com",
            timeout=float(config.get("X_API_TIMEOUT", 10)),
        )
        for response in client.search_recent(
            query, max_pages=max_pages or int(config.get("X_MAX_PAGES", 5)), since_id=_since_id()
        ):
            _import_page(parse_search_response(response), category_id, topic_type, tally)
    except XApiError as error:
        tally.report()
        raise click.ClickException(str(error)) from error
    tally.report()
