"""INSERT ... ON CONFLICT DO NOTHING on SQLite and PostgreSQL: concurrent requests that queue the same mail
(or subscribe the same person) never turn into an IntegrityError and a 500."""

from sqlalchemy import Table, insert


def insert_ignoring_duplicates(
    session, table: Table, rows: list[dict], unique_columns: list[str], returning: str | None = None
) -> list:
    """Insert the rows that do not exist yet. With `returning`, the values of that column for the rows
    actually inserted."""
    if not rows:
        return []
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:  # pragma: no cover - other databases: one row at a time in a savepoint
        from sqlalchemy.exc import IntegrityError

        inserted = []
        for row in rows:
            try:
                with session.begin_nested():
                    session.execute(insert(table).values(**row))
                inserted.append(row.get(returning))
            except IntegrityError:
                pass
        return inserted if returning else []
    stmt = dialect_insert(table).values(rows).on_conflict_do_nothing(index_elements=unique_columns)
    if returning:
        return list(session.execute(stmt.returning(table.c[returning])).scalars())
    session.execute(stmt)
    return []
