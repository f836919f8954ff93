"""Serialise count-then-write rules ("at most N uploads per hour") so racing requests cannot all pass the count.

    lock_row(User, owner.id)   # first, in the same transaction
    if count_recent(...) >= limit: raise ...
    db.session.add(...)        # the lock holds until the request commits or rolls back

PostgreSQL locks that one row (SELECT ... FOR UPDATE); a second request for the same row waits, then counts what
the first committed (READ COMMITTED takes a new snapshot per statement). SQLite has no row locks: a write
statement that changes nothing takes the database's write lock, which every writer needs anyway.
"""

from sqlalchemy import select, update

from app.extensions import db


def lock_row(model, row_id: int) -> None:
    table = model.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(table.c.id).where(table.c.id == row_id).with_for_update())
    else:
        db.session.execute(update(table).where(table.c.id == row_id, False).values(id=table.c.id))
