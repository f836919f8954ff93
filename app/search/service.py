"""Search and suggestions as the pages and the API use them: backend hits, visibility re-checked
against the database, snippets highlighted by the shared analyser."""

from dataclasses import dataclass

from app.common.pagination import Page
from app.common.policy import actor, is_staff
from app.search import analysis, highlighting, suggest_cache
from app.search.backends import get_backend
from app.search.documents import Filters, Scope, get_kind
from app.search.semantic import rank as semantic_rank

MAX_QUERY_CHARS = 10_000


def scope_for(user) -> Scope:
    user = actor(user)
    return Scope(is_staff=is_staff(user), user_id=user.id if user is not None else None)


def _present(hits, scope: Scope, query: str, limit: int | None = None) -> list[dict]:
    """The first `limit` hits the scope may see, highlighted (only those: a suggestion ranks a few more hits
    than it shows, in case some of them are no longer visible)."""
    by_kind: dict[str, list[int]] = {}
    for hit in hits:
        by_kind.setdefault(hit.kind, []).append(hit.id)
    shown: dict[tuple[str, int], dict] = {}
    for kind, ids in by_kind.items():
        registered = get_kind(kind)
        if registered is not None:
            for ref_id, data in registered.present(scope, ids).items():
                shown[(kind, ref_id)] = data
    items = []
    for hit in hits:
        if limit is not None and len(items) >= limit:
            break
        data = shown.get((hit.kind, hit.id))
        if data is None:
            continue
        text = data.get("text") or ""
        items.append(
            {
                "kind": hit.kind,
                "id": hit.id,
                "title": data["title"],
                "title_html": highlighting.highlight(data["title"], query, max_chars=300),
                "url": data["url"],
                "snippet_html": highlighting.highlight(text, query) if text else "",
                "type": data.get("type"),
                "status": data.get("status"),
                "answered": bool(data.get("answered")),
                "score": round(hit.score, 4),
            }
        )
    return items


def suggest(title: str, body: str, scope: Scope, limit: int = 5) -> list[dict]:
    """Existing items that may already answer a request being written (the ask form and the API)."""
    title = (title or "")[:MAX_QUERY_CHARS]
    body = (body or "")[:MAX_QUERY_CHARS]
    if not analysis.analyse_query(title + " " + body):
        return []
    # The title says what the request is about: it counts twice against the details.
    query = f"{title}\n{title}\n{body}" if body else title
    hits = suggest_cache.cached_hits(
        title,
        body,
        scope,
        limit,
        lambda: semantic_rank.suggest_hits(get_backend(), query, f"{title}\n{body}", scope, limit + 5),
    )
    return _present(hits, scope, f"{title} {body}", limit)


@dataclass
class SearchPage(Page):
    """A page of search results (pages, has_prev, has_next as for any list) with the query and a spelling hint."""

    query: str
    spelling: str | None = None


def search(query: str, scope: Scope, filters: Filters | None = None, page: int = 1, per_page: int = 10) -> SearchPage:
    query = (query or "").strip()[:MAX_QUERY_CHARS]
    result = SearchPage(items=[], page=page, per_page=per_page, total=0, query=query)
    if not analysis.analyse_query(query):
        return result
    backend = get_backend()
    found = backend.search(query, scope, mode="search", filters=filters, limit=per_page, offset=(page - 1) * per_page)
    result.items = _present(found.hits, scope, query)
    result.total = found.total
    if found.total == 0 or page == 1:
        result.spelling = backend.spelling_suggestion(query)
    return result
