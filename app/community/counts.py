"""The list counts (topic_list_counts): how many topics the home and category lists hold per category, type
and status, for staff (every topic not deleted) and for everyone else (not hidden, not private either).

Counting the topics on a request is one GROUP BY over every visible topic: 4 s at 1,000,000 topics. Instead every
flush that adds, deletes or changes a topic (its category, type, status, hidden, private or deleted) adds the
difference to the rows of this table, in the same transaction as the topic write (an upsert `n = n + delta`, so
concurrent writers add up; a rolled-back write takes its counts with it). Whatever writes a topic through the
ORM (the services, moderation, imports) keeps the counts right; a bulk SQL load of topics must call `recount()`
afterwards (`flask community recount`).
"""

from collections import Counter

from sqlalchemy import delete, event, false, func, insert, inspect, select
from sqlalchemy.orm import Session

from app.community.models import Topic, TopicListCount

COUNTED = ("category_id", "type", "status", "is_hidden", "is_private", "is_deleted")
_table = TopicListCount.__table__


def _key(values: dict) -> tuple | None:
    if values["is_deleted"]:
        return None
    return (
        values["category_id"],
        values["type"],
        values["status"],
        bool(values["is_hidden"]),
        bool(values["is_private"]),
    )


def _old_key(topic: Topic) -> tuple | None:
    """The key the topic had before this flush (the counted attributes load their old value when set)."""
    state = inspect(topic)
    values = {}
    for name in COUNTED:
        history = state.attrs[name].history
        if history.deleted:
            values[name] = history.deleted[0]
        elif history.unchanged:
            values[name] = history.unchanged[0]
        else:
            values[name] = getattr(topic, name)
    return _key(values)


def _new_key(topic: Topic) -> tuple | None:
    return _key({name: getattr(topic, name) for name in COUNTED})


def _changed(topic: Topic) -> bool:
    state = inspect(topic)
    return any(state.attrs[name].history.has_changes() for name in COUNTED)


def _deltas(session: Session) -> Counter:
    deltas: Counter = Counter()
    for topic in session.new:
        if isinstance(topic, Topic) and (key := _new_key(topic)) is not None:
            deltas[key] += 1
    for topic in session.deleted:
        if isinstance(topic, Topic) and (key := _old_key(topic)) is not None:
            deltas[key] -= 1
    for topic in session.dirty:
        if isinstance(topic, Topic) and topic not in session.deleted and _changed(topic):
            old, new = _old_key(topic), _new_key(topic)
            if old != new:
                if old is not None:
                    deltas[old] -= 1
                if new is not None:
                    deltas[new] += 1
    return deltas


def _upsert(connection, key: tuple, delta: int) -> None:
    dialect = connection.dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    category_id, topic_type, status, is_hidden, is_private = key
    stmt = dialect_insert(_table).values(
        category_id=category_id, type=topic_type, status=status, is_hidden=is_hidden, is_private=is_private, n=delta
    )
    connection.execute(
        stmt.on_conflict_do_update(index_elements=list(_table.primary_key.columns), set_={"n": _table.c.n + delta})
    )


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    deltas = _deltas(session)
    if not any(deltas.values()):
        return
    connection = session.connection()
    # One order for every writer: two transactions moving topics between the same rows never deadlock.
    for key in sorted((k for k, d in deltas.items() if d), key=repr):
        _upsert(connection, key, deltas[key])


def _load_old_value(_target, value, _oldvalue, _initiator):
    return value


for _name in COUNTED:
    # active_history: setting the attribute of a topic whose attributes were expired (after a commit) loads the
    # old value first, so the flush knows which row to take the topic from.
    event.listen(getattr(Topic, _name), "set", _load_old_value, active_history=True, retval=True)


def rows(staff: bool) -> list[tuple[int, str, str, int]]:
    """(category, type, status, topics) as staff (everything not deleted) or anyone else (the public topics) sees
    them."""
    from app.extensions import db

    c = TopicListCount
    stmt = select(c.category_id, c.type, c.status, func.sum(c.n)).group_by(c.category_id, c.type, c.status)
    if not staff:
        stmt = stmt.where(c.is_hidden == false(), c.is_private == false())
    return [(cat, kind, state, int(n)) for cat, kind, state, n in db.session.execute(stmt) if n]


def recount(session) -> int:
    """Rebuild the table from the topics (after a bulk SQL load; the migration that added it). Returns the rows.
    On PostgreSQL the table is locked against the writers' upserts meanwhile, so none is lost or counted twice."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_table.delete().where(false()))  # opens the transaction on this connection
        session.connection().exec_driver_sql(f"LOCK TABLE {_table.name} IN SHARE ROW EXCLUSIVE MODE")
    session.execute(delete(_table))
    columns = [Topic.category_id, Topic.type, Topic.status, Topic.is_hidden, Topic.is_private]
    session.execute(
        insert(_table).from_select(
            ["category_id", "type", "status", "is_hidden", "is_private", "n"],
            select(*columns, func.count()).where(Topic.is_deleted == false()).group_by(*columns),
        )
    )
    return session.scalar(select(func.count()).select_from(_table))


def fresh_rows(staff: bool) -> list[tuple[int, str, str, int]]:
    """The same figures as `rows`, counted from the topics now (tests and `flask community recount --check`)."""
    from app.common.policy import topic_clause
    from app.extensions import db

    columns = [Topic.category_id, Topic.type, Topic.status]
    stmt = select(*columns, func.count()).where(topic_clause(Topic, staff, None)).group_by(*columns)
    return [(cat, kind, state, int(n)) for cat, kind, state, n in db.session.execute(stmt)]
