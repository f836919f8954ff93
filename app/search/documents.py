"""What goes into the index, what comes out, and the registry of searchable kinds."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

PUBLIC, PRIVATE, HIDDEN = "public", "private", "hidden"


@dataclass
class SearchDoc:
    """One indexed item. `visibility` is public, private (author and staff) or hidden (staff only)."""

    kind: str
    id: int
    title: str
    body: str = ""
    answers: str = ""  # text of official answers and the solution
    # Other wordings of the same question, learnt from customers' choices or given by staff (see
    # app/learning): indexed in their own field that ranks below the title, never shown to anyone.
    also_asked: str = ""
    type: str | None = None
    status: str | None = None
    category_id: int | None = None
    department_id: int | None = None
    author_id: int | None = None
    visibility: str = PUBLIC
    has_answer: bool = False
    popularity: float = 0.0  # votes, comments, views folded into one number >= 0
    updated_at: datetime | None = None

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.id)


@dataclass(frozen=True)
class Scope:
    """Who is searching: staff see everything indexed; others see public items and their own private ones."""

    is_staff: bool = False
    user_id: int | None = None


@dataclass
class Filters:
    kinds: tuple[str, ...] | None = None
    type: str | None = None
    status: str | None = None
    category_id: int | None = None


@dataclass
class Hit:
    kind: str
    id: int
    score: float


@dataclass
class SearchResult:
    hits: list[Hit] = field(default_factory=list)
    total: int = 0


# kind -> loader(session, ids) returning {id: SearchDoc or None}; None means "not in the index" (deleted).
Loader = Callable[[object, list[int]], dict[int, "SearchDoc | None"]]
# kind -> iterator over every id of that kind (for reindex and verify).
AllIds = Callable[[object], Iterable[int]]
# kind -> present(scope, ids): {id: {"title", "url", "type", "status", "answered", "text"}} for the ids the
# scope may see, re-checked against the database (visibility is enforced twice).
Presenter = Callable[[Scope, list[int]], dict[int, dict]]


@dataclass(frozen=True)
class Kind:
    name: str
    loader: Loader
    all_ids: AllIds
    present: Presenter
    rank_boost: float = 1.0


_KINDS: dict[str, Kind] = {}
# fn(session, kind, {id: SearchDoc or None}) -> None: fills in what a feature adds to other kinds'
# documents (app/learning: the "also asked as" phrasings), after the kind's loader ran.
Enricher = Callable[[object, str, dict[int, "SearchDoc | None"]], None]
_ENRICHERS: list[Enricher] = []


def register_enricher(fn: Enricher) -> None:
    if fn not in _ENRICHERS:
        _ENRICHERS.append(fn)


def enrich(session, kind: str, docs: dict[int, "SearchDoc | None"]) -> None:
    for fn in _ENRICHERS:
        fn(session, kind, docs)


def register_kind(kind: Kind) -> None:
    _KINDS[kind.name] = kind


def kinds() -> list[str]:
    return list(_KINDS)


def get_kind(name: str) -> Kind | None:
    return _KINDS.get(name)
