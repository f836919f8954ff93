"""Reading what a user sees (pages parsed with html.parser) and what the database holds and runs."""

import contextlib
import os
from html.parser import HTMLParser

from sqlalchemy import event, select

from app.extensions import db

# tests/search, tests/kb and tests/moderation search with this backend (with TEST_DATABASE_URL for postgres).
SEARCH_BACKEND = os.environ.get("TEST_SEARCH_BACKEND", "whoosh")

VOID_TAGS = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)


class Node:
    def __init__(self, tag: str, attrs: list[tuple[str, str | None]], parent: "Node | None"):
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[Node | str] = []

    def get(self, name: str, default=None):
        for key, value in self.attrs:
            if key == name:
                return value
        return default

    @property
    def classes(self) -> set[str]:
        return set((self.get("class") or "").split())

    def iter(self):
        """This node and every element below it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, class_: str | None = None, **attrs) -> list["Node"]:
        return [
            node
            for node in self.iter()
            if (tag is None or node.tag == tag)
            and (class_ is None or class_ in node.classes)
            and all(node.get(key.rstrip("_")) == value for key, value in attrs.items())
        ]

    def find(self, tag: str | None = None, class_: str | None = None, **attrs) -> "Node | None":
        found = self.find_all(tag, class_, **attrs)
        return found[0] if found else None

    @property
    def text(self) -> str:
        parts = []

        def walk(node):
            for child in node.children:
                if isinstance(child, Node):
                    walk(child)
                else:
                    parts.append(child)

        walk(self)
        return " ".join("".join(parts).split())


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", [], None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID_TAGS:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:  # a stray end tag closes nothing
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def page(response) -> Node:
    return parse(response.get_data(as_text=True))


def page_text(response) -> str:
    return page(response).text


def form_errors(response) -> list[str]:
    """The error messages shown next to form fields."""
    return [node.text for node in page(response).find_all("p", class_="error")]


def flashes(response) -> list[str]:
    return [node.text for node in page(response).find_all("div", class_="flash")]


def suggest_api(client, **params) -> list[dict]:
    """What the suggest API answers a visitor typing `params` (title, body): the suggested items."""
    response = client.get("/api/v1/suggest", query_string=params)
    assert response.status_code == 200
    return response.get_json()


NOT_CONTENT = frozenset({"user_sessions"})  # signing a test client in is not a change the request made


def db_snapshot() -> dict[str, list[tuple]]:
    """Every row of every table but sign-ins: compare two snapshots to prove a request changed nothing."""
    db.session.rollback()
    return {
        table.name: sorted((tuple(row) for row in db.session.execute(select(table))), key=repr)
        for table in db.metadata.sorted_tables
        if table.name not in NOT_CONTENT
    }


@contextlib.contextmanager
def count_statements():
    """Collect the SQL statements sent to the database inside the block (compare counts for few and many rows)."""
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def with_search_backend(app):
    """The body of an `app` fixture that searches with SEARCH_BACKEND and closes the backend afterwards:

    @pytest.fixture
    def app(app):
        yield from with_search_backend(app)
    """
    app.config["SEARCH_BACKEND"] = SEARCH_BACKEND
    app.extensions.pop("otklik_search", None)
    yield app
    backend = app.extensions.pop("otklik_search", None)
    if backend is not None:
        backend.close()


def frame_ancestors_of(response) -> str:
    """The sources of the response's CSP `frame-ancestors` directive ("" when there is none)."""
    for directive in response.headers.get("Content-Security-Policy", "").split(";"):
        name, _, sources = directive.strip().partition(" ")
        if name == "frame-ancestors":
            return sources.strip()
    return ""
