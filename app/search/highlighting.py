"""Search snippets: a safe-HTML excerpt of a text around the best cluster of words matching a query, with the
matching words marked. Matching is by analysed term (app/search/analysis.py), so "карты" marks "карта"."""

import html
import re
from functools import lru_cache

from app.search.analysis import MAX_QUERY_CHARS, word_terms, words
from app.search.stopwords import NOT_HIGHLIGHTED


@lru_cache(maxsize=512)
def _query_terms(query: str) -> frozenset[str]:
    out: set[str] = set()
    for _, _, w in words(query)[:200]:
        out |= word_terms(w)
    return frozenset(out)


_WS_RE = re.compile(r"\s+")


def _esc(s: str) -> str:
    return html.escape(_WS_RE.sub(" ", s), quote=True)


def highlight(text: str, query: str, max_chars: int = 240, *, scan_chars: int = 20_000) -> str:
    """A safe-HTML snippet of `text` around the best cluster of words matching `query`.

    Matching is by analysed term, so "карты" marks "карта". Everything is HTML-escaped; the only tags
    in the output are <mark>…</mark>. "…" marks where the text was cut.
    """
    text = text or ""
    if not text.strip():
        return ""
    cut_tail = len(text) > scan_chars
    body = text[:scan_chars]
    ws = words(body)
    qterms = _query_terms((query or "")[:MAX_QUERY_CHARS])
    matched = _matches(ws, qterms)

    if not matched or max_chars <= 0:
        first, last = 0, _last_word_within(ws, 0, max_chars)
    else:
        best = None
        # two pointers over matched words: the window [matched[i] .. matched[k]] must fit in max_chars
        k = 0
        for i in range(len(matched)):
            start_char = ws[matched[i][0]][0]
            k = max(k, i)
            while k + 1 < len(matched) and ws[matched[k + 1][0]][1] - start_char <= max_chars:
                k += 1
            distinct = len(frozenset().union(*(m[1] for m in matched[i : k + 1])))
            score = (distinct, k - i + 1, -i)
            if best is None or score > best[0]:
                best = (score, i, k)
        _, i, k = best
        first, last = matched[i][0], matched[k][0]
        # some context before the first match (up to a third of the spare room), the rest after
        lead = min((max_chars - (ws[last][1] - ws[first][0])) // 3, 60)
        anchor = ws[first][0]
        while first > 0 and anchor - ws[first - 1][0] <= lead:
            first -= 1
        last = max(last, _last_word_within(ws, first, max_chars))

    if not ws:
        snippet = text[:max_chars]
        return _esc(snippet) + ("…" if len(text) > max_chars else "")
    start = 0 if first == 0 else ws[first][0]
    end = ws[last][1]
    out = [
        "…" if start > 0 else "",
        _marked(text, ws[first : last + 1], start, {m[0] - first for m in matched}, max_chars),
    ]
    tail = text[end:]
    if last == len(ws) - 1 and not cut_tail and len(tail) <= 3:
        out.append(_esc(tail))
    elif tail.strip():
        out.append("…")
    return "".join(out).strip()


def _matches(ws: list[tuple[int, int, str]], qterms: frozenset[str]) -> list[tuple[int, frozenset]]:
    """(word index, the query terms it matches) of the words that match."""
    matched = []
    if qterms:
        for i, (_, _, w) in enumerate(ws):
            terms = word_terms(w)
            if not qterms.isdisjoint(terms):
                hit = (terms & qterms) - NOT_HIGHLIGHTED
                if hit:
                    matched.append((i, frozenset(hit)))
    return matched


def _marked(text: str, ws: list[tuple[int, int, str]], start: int, marked: set[int], max_chars: int) -> str:
    """Escaped `text` from `start` to the end of the last of the words `ws`, the words at `marked` in <mark>."""
    out, pos = [], start
    for idx, (s, e, w) in enumerate(ws):
        enormous = len(w) > max_chars
        if idx not in marked and not enormous:
            # escaped with the text around it, in one piece: a word holds no whitespace, so collapsing the
            # whitespace of the piece is collapsing it gap by gap
            continue
        out.append(_esc(text[pos:s]))
        if enormous:  # one enormous "word": show its beginning
            w = w[: max(max_chars, 1)] + "…"
        out.append(f"<mark>{html.escape(w)}</mark>" if idx in marked else html.escape(w))
        pos = e
    out.append(_esc(text[pos : ws[-1][1]]))
    return "".join(out)


def _last_word_within(ws: list[tuple[int, int, str]], first: int, max_chars: int) -> int:
    if not ws:
        return 0
    start = ws[first][0]
    last = first
    while last + 1 < len(ws) and ws[last + 1][1] - start <= max_chars:
        last += 1
    return last


def clear_cache() -> None:
    """Forget the analysed query terms (the analyser's dictionary changed)."""
    _query_terms.cache_clear()
