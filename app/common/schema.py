"""Schema helpers shared by Alembic's env.py and the migration tests."""


def include_object_for(dialect_name: str):
    """An Alembic include_object hook that skips schema items meant for another database
    (declared with `.ddl_if(dialect=...)`, like the PostgreSQL-only search indexes)."""

    def include_object(obj, name, type_, reflected, compare_to):
        if type_ == "index" and reflected and str(name).startswith("ix_search_documents_hot_"):
            return False  # the search backend's hot index, built and rotated at run time (pg_hot.py)
        ddl_if = getattr(obj, "_ddl_if", None)
        return not (ddl_if is not None and ddl_if.dialect and ddl_if.dialect != dialect_name)

    return include_object
