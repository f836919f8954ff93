"""Query planning shared by the search backends: they differ only in how they execute a plan.

A query (a search line, or a whole request in mode "suggest") becomes a `QueryPlan` here, the same way for
every backend:

    text -> analysed spans (analysis.analyse_spans, bounded; a long suggest request loses its numbers)
         -> distinct terms with their query frequency and the raw word each came from
         -> per term, the index terms that satisfy it: the term as typed (where the index has it) and, for a
            term the index's vocabulary does not know, its typo correction (weighted CORRECTION lower)
         -> weight = query-frequency factor x correction factor x idf (the backend's idf flavour)
         -> mode "suggest": only the most informative terms ("more like this": a 10 kB request costs no
            more than a title); optional phrase pairs (consecutive query terms)

`restrictions()` turns who is searching and the page's filters into one description both backends apply,
and `did_you_mean()` builds the "did you mean" line from per-word corrections.

What a backend supplies (`TermIndex`): document count, document frequencies, whether its vocabulary knows
a term, and typo corrections; and its `PlanRules`, the tuning measured on bench/search_quality for its own
ranking function (BM25F over Whoosh postings, or over PostgreSQL tsvectors). How a plan is executed
(postings and champion lists, or tsquery SQL) is the backend's own business.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol

from app.search import analysis
from app.search.documents import Filters, Scope

SEARCH, SUGGEST = "search", "suggest"
TEXT_FIELDS = ("title", "body", "answers")  # the analysed fields of every SearchDoc

Span = tuple[str, int, int]  # (term, start, end) as analysis.analyse_spans gives them


def query_tf(n: int) -> float:
    """Weight of a term that occurs n times in the query (the suggest service repeats the title)."""
    return 1.0 + math.log(n)


def robertson_idf(n_docs: int, df: int) -> float:
    """Robertson's idf, floored: near zero for words most documents have."""
    return max(math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5)), 0.01)


@dataclass(frozen=True)
class QueryShape:
    """What an idf flavour may depend on besides the counts."""

    distinct_terms: int
    long_request: bool  # a suggest query that is a whole request (analysis.is_long_request)


@dataclass
class PlannedTerm:
    """One query term as planned: the index terms that satisfy it, each with its factor (1.0 as typed,
    PlanRules.correction_weight for a typo correction), and its statistics."""

    term: str
    variants: list[tuple[str, float]]
    qtf: float  # query_tf of its occurrences
    idf: float
    df: int  # the highest document frequency of its variants

    @property
    def index_terms(self) -> list[str]:
        return [variant for variant, _ in self.variants]

    @property
    def weight(self) -> float:
        """The term's query weight (its best variant's): query frequency x correction factor x idf."""
        return max(self.qtf * factor * self.idf for _, factor in self.variants)

    def weighted_variants(self) -> list[tuple[str, float]]:
        return [(variant, self.qtf * factor * self.idf) for variant, factor in self.variants]


@dataclass
class QueryPlan:
    terms: list[PlannedTerm]
    phrases: list[tuple[str, str]]  # consecutive query terms (their first index terms), when asked for
    n_docs: int

    @property
    def weights(self) -> dict[str, float]:
        """First index term of each planned term -> its weight."""
        return {t.index_terms[0]: t.weight for t in self.terms}


def _by_weight(term: PlannedTerm) -> Any:
    return (-term.weight, term.index_terms)


@dataclass(frozen=True)
class PlanRules:
    """One backend's tuning of the shared plan (each measured on bench/search_quality for its ranking)."""

    idf: Callable[[int, int, QueryShape], float]  # (documents, document frequency, shape) -> idf
    field_weights: Mapping[str, float]  # TEXT_FIELDS -> weight in BM25F
    search_max_terms: int = 32  # analysed terms read from a search line
    suggest_max_terms: int = 160  # ... from a suggest request (title twice + body)
    suggest_terms: int = 40  # of which the most informative are kept
    common_df: float = 1.0  # suggest: drop terms in more than this share of documents (if others remain)
    correction_weight: float = 0.8  # a typo correction counts a little less than a word as typed
    suggest_order: Callable[[PlannedTerm], Any] = _by_weight  # sort key choosing the informative terms
    merge_same_index_terms: bool = False  # terms planned to the same index terms count once (the heaviest)
    max_phrases: int = 0  # consecutive query-term pairs to plan (0: none)
    term_filter: Callable[[str], bool] | None = None  # terms the backend can store at all


class TermIndex(Protocol):
    """What planning asks of a backend's index (one consistent view for the duration of a query)."""

    def document_count(self) -> int: ...

    def doc_frequencies(self, terms: list[str]) -> dict[str, int]:
        """Document frequencies of the terms the index has (df > 0 only)."""

    def knows(self, term: str, df: int) -> bool:
        """Whether the vocabulary knows the term (else a correction is looked for)."""

    def corrections(self, unknown: dict[str, str]) -> dict[str, tuple[str, int]]:
        """{term: raw word} unknown to the index -> {term: (index term, its document frequency)}."""


# ---------------------------------------------------------------- query terms


def query_spans(query: str, mode: str, rules: PlanRules) -> tuple[list[Span], bool]:
    """The query's analysed spans (bounded) and whether it is a long request (suggest mode only)."""
    text = (query or "")[: analysis.MAX_QUERY_CHARS]
    max_terms = rules.suggest_max_terms if mode == SUGGEST else rules.search_max_terms
    spans = analysis.analyse_spans(text, max_words=max_terms * 3)
    if rules.term_filter is not None:
        spans = [s for s in spans if rules.term_filter(s[0])]
    spans = spans[:max_terms]
    long_request = mode == SUGGEST and analysis.is_long_request(spans)
    if long_request:
        spans = analysis.request_spans(spans)
    return spans, long_request


def _raw_words(text: str, spans: list[Span]) -> dict[str, str]:
    """Term -> the raw word of its first occurrence (typo corrections start from what was typed)."""
    raw_of: dict[str, str] = {}
    for term, start, end in spans:
        raw_of.setdefault(term, text[start:end])
    return raw_of


def _variants(
    terms: list[str], raw_of: dict[str, str], index: TermIndex, rules: PlanRules
) -> dict[str, list[tuple[str, float, int]]]:
    """Term -> [(index term, factor, df)]: the term where the index has it, and the correction of a term
    the vocabulary does not know. Terms with neither are left out (nothing to find)."""
    dfs = index.doc_frequencies(terms)
    unknown = {t: raw_of[t] for t in terms if not index.knows(t, dfs.get(t, 0))}
    fixes = index.corrections(unknown) if unknown else {}
    out = {}
    for term in terms:
        found = [(term, 1.0, dfs[term])] if term in dfs else []
        if term in fixes:
            fixed, df = fixes[term]
            found.append((fixed, rules.correction_weight, df))
        if found:
            out[term] = found
    return out


def _merge(terms: list[PlannedTerm]) -> list[PlannedTerm]:
    """One planned term per set of index terms: the heaviest (in the position of the first)."""
    merged: dict[tuple[str, ...], PlannedTerm] = {}
    for term in terms:
        key = tuple(term.index_terms)
        if key not in merged or merged[key].weight < term.weight:
            merged[key] = term
    return list(merged.values())


def _informative(terms: list[PlannedTerm], n_docs: int, rules: PlanRules) -> list[PlannedTerm]:
    """Suggest mode: the rules.suggest_terms most informative terms, very common ones dropped first."""
    informative = [t for t in terms if t.df <= rules.common_df * n_docs]
    return sorted(informative or terms, key=rules.suggest_order)[: rules.suggest_terms]


def _phrases(spans: list[Span], by_term: dict[str, str], kept: set[str], limit: int) -> list[tuple[str, str]]:
    """Consecutive query terms (as index terms) that are both kept and differ: at most `limit` pairs."""
    phrases: list[tuple[str, str]] = []
    sequence = [by_term.get(term) for term, _, _ in spans]
    for first, second in zip(sequence, sequence[1:]):
        if len(phrases) >= limit:
            break
        if first in kept and second in kept and first != second and (first, second) not in phrases:
            phrases.append((first, second))
    return phrases


@dataclass
class Reach:
    """What the plans made while recording could match (the suggest cache's increment check): a document
    with none of `terms`, and no term within a typo's edits of a word in `fuzzy` (words the vocabulary did
    not know, which a new document could give a correction), cannot enter their results. `near`: (model,
    request vector, least cosine) of a search by meaning, which a document sharing no term may enter when its
    embedding by that model is at least that close. `complete` is False when a plan depended on something else
    (an empty index)."""

    terms: set[str] = field(default_factory=set)
    fuzzy: set[str] = field(default_factory=set)
    near: list[tuple[str, Any, float]] = field(default_factory=list)
    complete: bool = True


_reach: ContextVar[Reach | None] = ContextVar("otklik_plan_reach", default=None)


@contextmanager
def recording_reach() -> Iterator[Reach]:
    """Collect the Reach of every plan made in this block (this thread or task only)."""
    reach = Reach()
    token = _reach.set(reach)
    try:
        yield reach
    finally:
        _reach.reset(token)


def reach_near(model: str, vector, floor: float) -> None:
    """What is being recorded also holds the documents nearest to `vector` by `model` (cosine >= `floor`): a new
    document enters it when its embedding is that close, whatever its terms."""
    reach = _reach.get()
    if reach is not None:
        reach.near.append((model, vector, floor))


def _note_reach(counts: Counter, raw_of: dict[str, str], variants: dict) -> None:
    reach = _reach.get()
    if reach is None:
        return
    for term in counts:
        reach.terms.add(term)
        found = variants.get(term, ())
        reach.terms.update(index_term for index_term, _, _ in found)
        if not found or len(found) > 1 or found[0][0] != term:  # unknown to the index or corrected
            reach.fuzzy.update({term, analysis.normalise_word(raw_of.get(term, term))})


def plan_query(query: str, mode: str, index: TermIndex, rules: PlanRules) -> QueryPlan | None:
    """The plan of a query against an index, or None when nothing in it can match."""
    spans, long_request = query_spans(query, mode, rules)
    if not spans:
        return None
    n_docs = index.document_count()
    if n_docs <= 0:
        if _reach.get() is not None:
            _reach.get().complete = False
        return None
    counts = Counter(term for term, _, _ in spans)
    text = (query or "")[: analysis.MAX_QUERY_CHARS]
    raw_of = _raw_words(text, spans)
    variants = _variants(list(counts), raw_of, index, rules)
    _note_reach(counts, raw_of, variants)
    shape = QueryShape(distinct_terms=len(counts), long_request=long_request)
    planned = []
    for term, n in counts.items():
        if term in variants:
            df = max(df for _, _, df in variants[term])
            found = [(variant, factor) for variant, factor, _ in variants[term]]
            planned.append(PlannedTerm(term, found, query_tf(n), rules.idf(n_docs, df, shape), df))
    first_index_term = {t.term: t.index_terms[0] for t in planned}
    if rules.merge_same_index_terms:
        planned = _merge(planned)
    if mode == SUGGEST and planned:
        planned = _informative(planned, n_docs, rules)
    if not planned:
        return None
    kept = {t.index_terms[0] for t in planned}
    phrases = _phrases(spans, first_index_term, kept, rules.max_phrases) if rules.max_phrases else []
    return QueryPlan(planned, phrases, n_docs)


# ---------------------------------------------------------------- who may see what, and filters


@dataclass(frozen=True)
class Restrictions:
    """Visibility and the page's filters, as every backend applies them: staff see everything; others see
    public documents and the private ones they wrote; hidden documents only staff."""

    everything: bool
    author_id: int | None = None  # whose private documents are visible (not staff)
    kinds: tuple[str, ...] = ()
    type: str | None = None
    status: str | None = None
    category_id: int | None = None
    impossible: bool = False  # a filter no document passes (a category that is no number)
    filtered: bool = field(default=False)  # any of kinds, type, status, category

    @property
    def may_see_private(self) -> bool:
        return not self.everything and self.author_id is not None


def restrictions(scope: Scope, filters: Filters | None) -> Restrictions:
    filters = filters or Filters()
    category_id, impossible = None, False
    if filters.category_id is not None:
        try:
            category_id = int(filters.category_id)
        except (TypeError, ValueError):
            impossible = True
    return Restrictions(
        everything=bool(scope.is_staff),
        author_id=int(scope.user_id) if scope.user_id is not None else None,
        kinds=tuple(str(k) for k in filters.kinds or ()),
        type=str(filters.type) if filters.type else None,
        status=str(filters.status) if filters.status else None,
        category_id=category_id,
        impossible=impossible,
        filtered=bool(filters.kinds or filters.type or filters.status or filters.category_id is not None),
    )


# ---------------------------------------------------------------- did you mean


@dataclass(frozen=True)
class UnknownWord:
    """A word of the query none of whose terms the index knows."""

    start: int
    end: int
    raw: str
    terms: list[str]


def unknown_words(text: str, spans: list[Span], knows: Callable[[str], bool]) -> list[UnknownWord]:
    by_word: dict[tuple[int, int], list[str]] = {}
    for term, start, end in spans:
        by_word.setdefault((start, end), []).append(term)
    return [
        UnknownWord(start, end, text[start:end], terms)
        for (start, end), terms in sorted(by_word.items())
        if not any(knows(t) for t in terms)
    ]


def did_you_mean(text: str, words: list[UnknownWord], fixes: list[str | None]) -> str | None:
    """The query with each unknown word replaced by its correction (None: left as typed); None when
    nothing changes."""
    return analysis.replace_words(text, [(w.start, w.end, fix) for w, fix in zip(words, fixes) if fix is not None])


def shown_correction(raw: str, term: str, fixed: str) -> str:
    """The corrected word to show: when the term is a stem of the raw word (English), the same correction
    applied to the raw word ("aplication": stem "aplic" -> "applic" -> "application"); otherwise the
    corrected term itself."""
    low = raw.lower()
    if low.startswith(term) and len(low) > len(term):
        return fixed + low[len(term) :]
    return fixed
