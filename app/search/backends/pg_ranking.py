"""How the PostgreSQL backend executes a query plan (app/search/planning.py): BM25F in SQL over tsvectors.

Per query term, its presence in the title and the answers and its frequency in the body (read with
ts_rank, see `term_score_sql`), each normalised by its field's length, weighted, summed and saturated;
inverse document frequencies come from the `search_terms` vocabulary. A small popularity boost, the
kind's rank_boost, and in mode "search" the documents with every query term first. Only a bounded
candidate set is ranked: the GIN index finds the documents containing the rarest query terms (while
their document counts fit in CANDIDATE_BUDGET), and each candidate's tsvector is detoasted once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import text

from app.search import documents, planning
from app.search.backends import pg_hot
from app.search.backends.pg_lexemes import lexeme, tsquery_all, tsquery_or, usable
from app.search.documents import PRIVATE, PUBLIC
from app.search.planning import PlanRules, QueryPlan, QueryShape, Restrictions

# ---------------------------------------------------------------- ranking (tuned on bench/search_quality)
K1 = 2.0  # BM25 saturation
B = 0.75  # length normalisation of answers and body
TITLE_B = 0.75  # length normalisation of the title
# "also_asked" (phrasings learnt from customers, app/learning): below the title and, being capped in length,
# counted once per term without length normalisation, as on Whoosh.
FIELD_WEIGHTS = {"title": 2.5, "answers": 1.5, "body": 1.0, "also_asked": 1.25}
WEIGHT_OF_FIELD = (("title", "A"), ("answers", "B"), ("body", "C"), ("also_asked", "D"))  # tsvector weights
PHRASE_WEIGHT = 0.3  # bonus (x the rarer term's weight) where two consecutive query terms are adjacent
MAX_PHRASES = 8  # consecutive query-term pairs checked (the first ones: the title)
POPULARITY_BOOST = 0.03  # score x (1 + POPULARITY_BOOST x ln(1 + popularity))
ANSWERED_BOOST = 0.05  # score x (1 + ANSWERED_BOOST) when the item has an official answer
IDF_POWER_SHORT = 0.7  # idf ** power: flatter for short queries (see idf_power)
SHORT_QUERY, LONG_QUERY = 8, 24  # distinct analysed query terms

# ---------------------------------------------------------------- cost bounds
CANDIDATE_BUDGET = 1000  # documents the candidate query aims at (see candidate_query)
MAX_CANDIDATES = 1000  # never rank more (the most popular of them), whatever the query
# A suggestion whose rarest words are still in more than MAX_CANDIDATES documents (common words in a large
# community) ranks only the SUGGEST_CANDIDATES most popular of them: its work at 1,000,000 topics then stays near
# a suggestion's at 10,000, which ranks its fewer matches (bench/README.md "Suggest at 1,000,000 topics"). Below
# MAX_CANDIDATES matches nothing changes (the benchmark sets' hit@5, up to 8,430 documents, is the same to the last
# digit). Measured and rejected: this cap for every suggestion (banking77 hit@5 0.957 -> 0.625: the newest 250 of
# up to 1,000 matches), and with CANDIDATE_BUDGET lowered to it as well (qatarliving-semeval 0.757 -> 0.735).
SUGGEST_CANDIDATES = 250
# Popularity tiers (see tiers_to_ask): the candidate order's key at these fractions of the documents, kept in
# search_meta by the backend; asked when the candidate words are in TIER_BAND of the documents (measured: there
# a tier beats the popularity walk, bench/README.md "Popularity tiers"), the first whose expected matches reach
# TIER_MARGIN x MAX_CANDIDATES, at most TIER_TRIES of them before the walk.
TIER_FRACTIONS = tuple(0.005 * 2 ** (k / 2) for k in range(15))  # 0.5 % to 64 %, sqrt(2) apart
TIER_BAND = (0.005, 0.09)
TIER_MARGIN = 1.3
TIER_TRIES = 2

_ZETA2 = 1.64493406685  # sum of 1/j^2: ts_rank's normalising constant


def idf_power(distinct_terms: int) -> float:
    """Short queries: a flatter idf (every word of "card not arrived" matters, common or not); long
    requests: the plain idf, so that their many incidental words give way to the rare telling ones.
    A ramp from IDF_POWER_SHORT at SHORT_QUERY terms to 1 at LONG_QUERY terms."""
    if distinct_terms <= SHORT_QUERY:
        return IDF_POWER_SHORT
    if distinct_terms >= LONG_QUERY:
        return 1.0
    return IDF_POWER_SHORT + (1.0 - IDF_POWER_SHORT) * (distinct_terms - SHORT_QUERY) / (LONG_QUERY - SHORT_QUERY)


def _idf(n_docs: int, df: int, shape: QueryShape) -> float:
    return planning.robertson_idf(n_docs, df) ** idf_power(shape.distinct_terms)


RULES = PlanRules(
    idf=_idf,
    field_weights=FIELD_WEIGHTS,
    suggest_terms=40,
    common_df=1.0,  # keep all: the flattened idf already weighs common terms down
    correction_weight=0.8,
    merge_same_index_terms=True,  # the weights are keyed by lexeme
    max_phrases=MAX_PHRASES if PHRASE_WEIGHT else 0,
    term_filter=usable,  # a term PostgreSQL cannot store as a lexeme cannot be found
)


def where(restrict: Restrictions, params: dict) -> str:
    """Visibility (staff: everything; others: public, and private items they wrote) and filters."""
    clauses = []
    if not restrict.everything:
        params["public"] = PUBLIC
        if restrict.author_id is not None:
            params["private"], params["user_id"] = PRIVATE, restrict.author_id
            clauses.append("(d.visibility = :public OR (d.visibility = :private AND d.author_id = :user_id))")
        else:
            clauses.append("d.visibility = :public")
    if restrict.kinds:
        params["f_kinds"] = list(restrict.kinds)
        clauses.append("d.kind = ANY(CAST(:f_kinds AS text[]))")
    if restrict.type:
        params["f_type"] = restrict.type
        clauses.append("d.type = :f_type")
    if restrict.status:
        params["f_status"] = restrict.status
        clauses.append("d.status = :f_status")
    if restrict.category_id is not None:
        params["f_category"] = restrict.category_id
        clauses.append("d.category_id = :f_category")
    if restrict.impossible:
        clauses.append("false")
    return "".join(f" AND {c}" for c in clauses)


def candidate_query(plan: QueryPlan) -> tuple[str, int]:
    """The tsquery choosing the documents to rank (through the GIN index), and an upper bound of their
    number: the rarest query terms while their document counts add up to at most CANDIDATE_BUDGET (at
    least one term). A document with none of them shares only common words with the query, whose low
    idf leaves it behind (the max-score bound of top-k retrieval); this bounds the work per query."""
    chosen, bound = [], 0
    for term in sorted(plan.terms, key=lambda t: (t.df, t.index_terms)):
        if chosen and bound + term.df > CANDIDATE_BUDGET:
            break
        chosen.append(tsquery_or(term.index_terms))
        bound += term.df
    return " | ".join(chosen), bound


class Tier(NamedTuple):
    """The documents whose candidate-order key (popularity, kind, ref_id) is at least this one's: the top
    `fraction` of the documents when the tiers were taken."""

    fraction: float
    popularity: float
    kind: str
    ref_id: int


def tiers_to_ask(tiers: Sequence[Tier], bound: int, n_docs: int, cap: int) -> list[Tier]:
    """The tiers a capped suggestion asks before the walk, narrowest first. Whatever they hold, the answer is the
    walk's: a tier is an upper set of the candidate order, so when it holds `cap` matches (the candidates ranked)
    they are the walk's first `cap` (the key is unique: no ties); with fewer, the next one is asked, then the walk.
    Stale tiers cost time, never a different suggestion."""
    if not tiers or not TIER_BAND[0] <= bound / max(n_docs, 1) <= TIER_BAND[1]:
        return []
    return [t for t in tiers if bound * t.fraction >= TIER_MARGIN * cap][:TIER_TRIES]


# An upper set of the candidate order, spelt so that the planner ANDs the word's GIN bitmap with btree ranges
# (as a row comparison it walks the popularity index again).
_TIER_SQL = (
    " AND (d.popularity > :tier_p OR (d.popularity = :tier_p AND (d.kind > :tier_k"
    " OR (d.kind = :tier_k AND d.ref_id >= :tier_r))))"
)
_TIER_MARK, _COUNT_MARK = "/* tier */", "/* candidates */"  # where ranked() puts a tier and the candidate count


def term_levels_sql(i: int) -> tuple[str, str, str]:
    """BM25F contribution of query lexeme i for candidate c (fa, fb, fc: field weights over field-length
    norms), as columns of three nested subqueries, so that each candidate computes each of them once (as
    correlated sub-SELECTs they were two subplans per term and candidate, over half of a ranked suggestion's
    SQL time with 1,000 candidates): m{i} the candidate has the lexeme; then, only if it has, r{i} its body
    frequency as ts_rank reads it and a{i} its title, answers and also-asked part; then x{i}. Title and answers
    count once; the body counts its term frequency, read from ts_rank: with only the body weighted, 1.645 x
    ts_rank = 1 + 1/2² + ... + 1/tf², which inverts to tf. The expressions (and so the scores) are those of the
    single-expression form this replaced."""
    matched = f"(c.tsv @@ CAST(:t{i} AS tsquery)) AS m{i}"
    ranked = (
        f"(CASE WHEN c.m{i} THEN {_ZETA2} * ts_rank('{{0,1,0,0}}', c.tsv, CAST(:t{i} AS tsquery), 0) END) AS r{i}, "
        f"(CASE WHEN c.m{i} THEN (CASE WHEN c.tsv @@ CAST(:ta{i} AS tsquery) THEN c.fa ELSE 0 END"
        f" + CASE WHEN c.tsv @@ CAST(:tb{i} AS tsquery) THEN c.fb ELSE 0 END"
        f" + CASE WHEN c.tsv @@ CAST(:td{i} AS tsquery) THEN :wd ELSE 0 END) END) AS a{i}"
    )
    tf = f"(1 / ({_ZETA2} - c.r{i}) - 0.5)"
    summed = f"(c.a{i} + c.fc * (CASE WHEN c.r{i} = 0 THEN 0 ELSE greatest({tf}, 1) END)) AS x{i}"
    return matched, ranked, summed


def term_score_sql(i: int) -> str:
    """The saturated, weighted contribution of query lexeme i from the columns of `term_levels_sql`."""
    return f"(CASE WHEN NOT c.m{i} THEN 0 ELSE :w{i} * c.x{i} * (:k1 + 1) / (c.x{i} + :k1) END)"


def _score_parts(plan: QueryPlan, params: dict) -> tuple[list[str], list[tuple[str, str, str]]]:
    """The SQL terms of a candidate's score (one per query lexeme, one per phrase), and the per-lexeme columns
    they read (`term_levels_sql`)."""
    weights = plan.weights
    parts, levels = [], []
    for i, term in enumerate(sorted(weights, key=lambda t: (-weights[t], t))):
        params[f"t{i}"] = lexeme(term)
        params[f"ta{i}"] = lexeme(term) + ":A"
        params[f"tb{i}"] = lexeme(term) + ":B"
        params[f"td{i}"] = lexeme(term) + ":D"
        params[f"w{i}"] = weights[term]
        parts.append(term_score_sql(i))
        levels.append(term_levels_sql(i))
    for j, (first, second) in enumerate(plan.phrases if PHRASE_WEIGHT else ()):
        params[f"p{j}"] = f"{lexeme(first)} <-> {lexeme(second)}"
        params[f"pw{j}"] = PHRASE_WEIGHT * min(weights[first], weights[second])
        parts.append(f"(CASE WHEN c.tsv @@ CAST(:p{j} AS tsquery) THEN :pw{j} ELSE 0 END)")
    return parts, levels


def _kind_boost(params: dict) -> str:
    boosts = []
    for i, kind in enumerate(documents.kinds()):
        registered = documents.get_kind(kind)
        if registered is not None and registered.rank_boost != 1.0:
            params[f"bk{i}"], params[f"bv{i}"] = kind, float(registered.rank_boost)
            boosts.append(f"WHEN :bk{i} THEN :bv{i}")
    return f"(CASE c.kind {' '.join(boosts)} ELSE 1 END)" if boosts else "1"


# What the ranking reads of a candidate (the innermost subquery of `ranked`).
_CANDIDATE_COLUMNS = "d.kind, d.ref_id, d.popularity, d.has_answer, d.tsv, d.title_term_count, d.term_count"


def _with_levels(candidates: str, levels: list[tuple[str, str, str]]) -> str:
    """The candidates' subquery `c` wrapped in the three subqueries of the per-lexeme columns
    (`term_levels_sql`), each kept a subquery by OFFSET 0 so that a column is computed once per candidate."""
    source = f"({candidates}) AS c"
    for n in range(3 if levels else 0):
        columns = ", ".join(level[n] for level in levels)
        source = f"(SELECT c.*, {columns} FROM {source} OFFSET 0) AS c"
    return source


def ranked(
    conn,
    plan: QueryPlan,
    stats,
    restrict: Restrictions,
    mode: str,
    limit: int,
    offset: int,
    tiers: Sequence[Tier] = (),
    hot: pg_hot.Hot | None = None,
):
    """[(kind, ref_id, score, total)] of one page; stats: (documents, average title, average rest); tiers: the
    backend's popularity tiers (capped suggestions), and its hot index (pg_hot.py) for the tiers inside it."""
    _, avg_title, avg_rest = stats
    suggest = mode == planning.SUGGEST
    cap = min(SUGGEST_CANDIDATES, MAX_CANDIDATES) if suggest else MAX_CANDIDATES
    params: dict = {
        "k1": K1,
        "b": B,
        "bt": TITLE_B,
        "avg_title": avg_title,
        "avg_rest": avg_rest,
        "wa": FIELD_WEIGHTS["title"],
        "wb": FIELD_WEIGHTS["answers"],
        "wc": FIELD_WEIGHTS["body"],
        "wd": FIELD_WEIGHTS["also_asked"],
        "pop": POPULARITY_BOOST,
        "answered": ANSWERED_BOOST,
        "max_candidates": cap,
        "limit": limit,
        "offset": offset,
    }
    where_sql = where(restrict, params)
    parts, levels = _score_parts(plan, params)
    if mode == planning.SEARCH and len(plan.terms) > 1:
        params["all_q"] = tsquery_all([t.index_terms for t in plan.terms])
        all_match = "(c.tsv @@ CAST(:all_q AS tsquery))"
    else:
        all_match = "true"
    kind_boost = _kind_boost(params)

    params["cand_q"], bound = candidate_query(plan)
    capped = bound > MAX_CANDIDATES
    if not capped:
        source = f"search_documents d WHERE d.tsv @@ CAST(:cand_q AS tsquery){where_sql}"
    elif suggest:
        # Even the rarest query term is in too many documents (a title of common words): the most popular
        # SUGGEST_CANDIDATES of them are ranked (of equally popular ones, the newest). Suggest needs no total, so
        # the database may walk the popularity index (ix_search_documents_popularity) backwards and stop after
        # them, instead of reading all the documents with the word (their number grows with the community:
        # 110,000 of 1,000,000 in bench/cost_growth.py for "банкомат"). The walk reads each row it tests anyway, so
        # it takes the columns the ranking needs with it: joined back by primary key, every candidate's row was
        # looked up and its tsvector read a second time (a quarter of the query's time at 1,000,000 documents).
        # A tier first (tiers_to_ask): the word's GIN bitmap ANDed with a btree range of the most popular documents
        # reads fewer rows than the walk when the word is in 0.5-9 % of them; from the hot index (pg_hot.py) when
        # the tier lies inside it.
        source = f"""(
                SELECT {_CANDIDATE_COLUMNS} FROM search_documents d
                WHERE d.tsv @@ CAST(:cand_q AS tsquery){where_sql}{_TIER_MARK}
                ORDER BY d.popularity DESC, d.kind DESC, d.ref_id DESC LIMIT :max_candidates
            ) AS d"""
    else:
        # The same candidates for a search page, whose pager needs the exact count: every document with the
        # word is read anyway, so the popularity index is kept out (`+ 0`: its walk would read them in a
        # slower order).
        source = f"""(
                SELECT d.kind, d.ref_id, count(*) OVER () AS total FROM search_documents d
                WHERE d.tsv @@ CAST(:cand_q AS tsquery){where_sql}
                ORDER BY d.popularity + 0 DESC, d.kind DESC, d.ref_id DESC LIMIT :max_candidates
            ) AS p JOIN search_documents d ON d.kind = p.kind AND d.ref_id = p.ref_id"""
    # The innermost subquery (OFFSET 0 keeps it a subquery) detoasts each candidate's tsvector once
    # (setweight with no lexemes: a cheap copy) for all the term tests; the scores are computed next to
    # it, so only small rows reach the count and the sort.
    candidates = f"""
                SELECT d.kind, d.ref_id, d.popularity, d.has_answer,
                       {"p.total" if capped and not suggest else "0"} AS total,
                       setweight(d.tsv, 'A', '{{}}') AS tsv,
                       :wa / (1 - :bt + :bt * d.title_term_count / :avg_title) AS fa,
                       :wb / (1 - :b + :b * (d.term_count - d.title_term_count) / :avg_rest) AS fb,
                       :wc / (1 - :b + :b * (d.term_count - d.title_term_count) / :avg_rest) AS fc
                FROM {source}
                OFFSET 0"""
    sql = f"""
        SELECT kind, ref_id, score, {"max(total) OVER ()" + _COUNT_MARK if capped else "count(*) OVER ()"} AS total FROM (
            SELECT c.kind, c.ref_id, c.total, {all_match} AS all_match,
                   ({" + ".join(parts)}) * (1 + :pop * ln(1 + c.popularity))
                   * (CASE WHEN c.has_answer THEN 1 + :answered ELSE 1 END) * {kind_boost} AS score
            FROM {_with_levels(candidates, levels)}
            OFFSET 0
        ) AS s
        ORDER BY all_match DESC, score DESC, kind, ref_id
        LIMIT :limit OFFSET :offset
    """
    if capped and suggest:
        # the tier's candidates counted (total): one that holds fewer than `cap` is not the answer
        tiered = sql.replace("max(total) OVER ()" + _COUNT_MARK, "count(*) OVER ()")
        asked, answer = tiers_to_ask(tiers, bound, stats[0], cap), None
        if asked:  # bitmaps only: a walk of the popularity index would filter the whole table when a tier is short
            conn.execute(text("SET LOCAL enable_indexscan = off"))
        for tier in asked:
            tier_params = {**params, "tier_p": tier.popularity, "tier_k": tier.kind, "tier_r": tier.ref_id}
            # a tier inside the hot set also names the hot index's condition: the same rows, through its postings
            inside = pg_hot.covers(hot, tier.popularity, tier.kind, tier.ref_id)
            condition = _TIER_SQL + (f" AND {pg_hot.predicate(hot, 'd.')}" if inside else "")
            rows = conn.execute(text(tiered.replace(_TIER_MARK, condition)), tier_params).all()
            if rows and rows[0][3] >= cap:
                answer = rows
                break
        if asked:
            conn.execute(text("SET LOCAL enable_indexscan = DEFAULT"))
        if answer is not None:
            return answer
    return conn.execute(text(sql.replace(_TIER_MARK, "").replace(_COUNT_MARK, "")), params).all()


def count(conn, plan: QueryPlan, restrict: Restrictions) -> int:
    params = {"cand_q": candidate_query(plan)[0]}
    where_sql = where(restrict, params)
    return int(
        conn.execute(
            text(f"SELECT count(*) FROM search_documents d WHERE d.tsv @@ CAST(:cand_q AS tsquery){where_sql}"),
            params,
        ).scalar_one()
    )
