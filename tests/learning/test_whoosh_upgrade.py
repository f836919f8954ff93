"""A Whoosh index made before the "also asked as" field existed gains it when opened: nothing to rebuild."""

from whoosh import index

from app.search.backends import whoosh_backend, whoosh_schema
from app.search.documents import Scope, SearchDoc


def test_an_older_whoosh_index_gains_the_also_asked_field(tmp_path):
    schema = whoosh_schema.make_schema()
    schema.remove("also_asked")
    old = index.create_in(str(tmp_path), schema, indexname=whoosh_backend.INDEX_NAME)
    with old.writer() as writer:
        writer.add_document(key="topic:1", kind="topic", title="card delivery", body="late", visibility="public")

    backend = whoosh_backend.WhooshBackend(str(tmp_path))
    try:
        backend.upsert([SearchDoc(kind="topic", id=2, title="closing an account", body="how", also_asked="zorblax")])
        assert [hit.id for hit in backend.search("zorblax", Scope(), mode="suggest", limit=5).hits] == [2]
        assert [hit.id for hit in backend.search("card delivery", Scope(), mode="suggest", limit=5).hits] == [1]
    finally:
        backend.close()
