"""The interface every search backend implements. Both backends pass the same tests (tests/search)."""

from abc import ABC, abstractmethod
from collections.abc import Sequence
from contextlib import AbstractContextManager

from app.search import planning
from app.search.documents import Filters, Scope, SearchDoc, SearchResult
from app.search.planning import PlanRules, QueryPlan, Restrictions, TermIndex


class IndexBusy(Exception):
    """The index is locked by another writer; the outbox keeps the change for the next drain."""


class SearchBackend(ABC):
    name = "base"

    @abstractmethod
    def upsert(self, docs: Sequence[SearchDoc]) -> None:
        """Add or replace documents (by kind and id). May raise IndexBusy."""

    @abstractmethod
    def delete(self, keys: Sequence[tuple[str, int]]) -> None:
        """Remove documents; unknown keys are ignored. May raise IndexBusy."""

    rules: PlanRules  # the backend's tuning of the shared query planning

    def search(
        self,
        query: str,
        scope: Scope,
        *,
        mode: str = "search",
        filters: Filters | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> SearchResult:
        """Ranked hits the scope may see. mode "suggest" ranks by similarity to a whole request
        (title and body of a new topic); mode "search" is the search page (all words matter more).
        Never raises on any user text: the query is analysed, never parsed as a query language.
        Every backend plans the query alike (app/search/planning.py) and executes the plan its own way."""
        limit, offset = max(int(limit), 0), max(int(offset), 0)
        if limit == 0 or not isinstance(query, str):
            return SearchResult()
        restrict = planning.restrictions(scope, filters)
        with self._reading() as view:
            plan = planning.plan_query(query, mode, view, self.rules)
            if plan is None:
                return SearchResult()
            return self._execute(view, plan, restrict, mode, limit, offset)

    def plan(self, query: str, mode: str = "search") -> QueryPlan | None:
        """The plan search() executes for the query (terms, weights, corrections); None when nothing in it
        can match."""
        if not isinstance(query, str):
            return None
        with self._reading() as view:
            return planning.plan_query(query, mode, view, self.rules)

    @abstractmethod
    def _reading(self) -> AbstractContextManager[TermIndex]:
        """One consistent view of the index for the duration of a query (a searcher, a connection)."""

    @abstractmethod
    def _execute(
        self, view: TermIndex, plan: QueryPlan, restrict: Restrictions, mode: str, limit: int, offset: int
    ) -> SearchResult:
        """The page [offset, offset + limit) of the plan's hits within the restrictions, and their total."""

    @abstractmethod
    def spelling_suggestion(self, query: str) -> str | None:
        """A corrected query when some words are unknown to the index ("did you mean"), else None."""

    def index_changed(self) -> None:
        """Another process changed the index (the shared suggest-cache version moved): forget what this process
        memoised about it (collection statistics), so the next query reads the index as it is now."""
        return None  # nothing memoised by default

    @abstractmethod
    def keys(self) -> set[tuple[str, int]]:
        """Every (kind, id) in the index (for `flask search verify`)."""

    @abstractmethod
    def holds(self, keys: Sequence[tuple[str, int]]) -> set[tuple[str, int]]:
        """Which of these (kind, id) are in the index (neighbours by meaning come from vectors kept beside it,
        and are suggested only while the index holds them)."""

    @abstractmethod
    def clear(self) -> None:
        """Remove everything (before a reindex); the index now records the current analyser fingerprint."""

    @abstractmethod
    def indexed_fingerprint(self) -> str | None:
        """analysis.fingerprint() of the analyser the index was built with (recorded by clear() and by the
        first write to an index without one); None when nothing is recorded."""

    @abstractmethod
    def record_fingerprint(self) -> None:
        """Record the current analysis.fingerprint() (after every document was re-analysed with it)."""

    def health(self) -> dict:
        """Raise when the backend cannot answer; else a few facts for /readyz (cheap: called by probes)."""
        return {"backend": self.name}

    def close(self) -> None:  # noqa: B027 (optional hook: most backends hold nothing to release)
        """Release files or connections."""
