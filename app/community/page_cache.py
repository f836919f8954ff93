"""Which community pages the anonymous page cache keeps (app/common/pagecache.py), and which changes drop them.

A topic page shows its topic and comments; the home and category pages list topics. A new topic, a comment,
a vote or a status change touches its topic's page and the lists only. A change that shows on other pages
(a topic's title, which other topics link to, or its visibility) touches everything, like any other table.
"""

from sqlalchemy import inspect

from app.common import pagecache

# Topic columns whose change shows beyond the topic's own page and the lists.
WIDE_COLUMNS = ("title", "is_private", "is_hidden", "is_deleted", "merged_into_id", "category_id", "department_id")
LIST_ARGS = ("page", "type", "status")


def _topic(topic, is_new: bool, is_deleted: bool):
    if is_deleted:
        return None
    if not is_new:
        state = inspect(topic)
        if any(state.attrs[name].history.has_changes() for name in WIDE_COLUMNS):
            return None
    return ("lists", f"topic:{topic.id}")


def _of_topic(row, is_new: bool, is_deleted: bool):
    return ("lists", f"topic:{row.topic_id}") if row.topic_id else None


def register() -> None:
    pagecache.cache_endpoint("community.home", lambda args: ("lists",), LIST_ARGS)
    pagecache.cache_endpoint("community.category_page", lambda args: ("lists",), LIST_ARGS)
    pagecache.cache_endpoint("community.topic", lambda args: (f"topic:{args.get('topic_id')}",))
    pagecache.scoped_table("topics", _topic)
    for table in ("comments", "votes", "status_changes"):
        pagecache.scoped_table(table, _of_topic)
