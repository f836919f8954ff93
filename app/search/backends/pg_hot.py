"""The PostgreSQL backend's hot index: a partial GIN index of search_documents.tsv over the HOT_SIZE most popular
documents (an upper set of the candidate order, like a popularity tier), so that a capped suggestion answered from
a tier inside it reads a word's postings among those documents only. Without it, the tier's BitmapAnd reads the
word's whole posting list, which grows with the community (37,500 entries for "войти" at 1,000,000 documents, 5 ms
of the query); in the hot index the same word has about HOT_SIZE x 3.75 % entries at any size.

Nothing changes on the write path: PostgreSQL keeps a partial index's membership exact on every write. The key is
fixed when the index is built, so documents that rise above it (new ones, growing popularity) enter and it grows.
`refresh` (the `search.tiers` job; never a request or `flask search recount`) builds a new one with CREATE INDEX
CONCURRENTLY when the documents above the key are more than GROWTH x HOT_SIZE or fewer than HOT_SIZE / GROWTH,
then drops the old one. Below MIN_DOCUMENTS the whole index is small and there is none.

A tier query adds the hot predicate, spelt exactly as the index's (`predicate`), when the tier's key is at least
the hot key: the tier is then inside the hot set, so the added condition changes nothing but lets the planner
prove that the partial index applies. A hot index that is gone (rotated by another node) costs time, never
another answer.
"""

from __future__ import annotations

import contextlib
import logging
import re
import secrets
from typing import NamedTuple

from sqlalchemy import text

log = logging.getLogger(__name__)

HOT_SIZE = 65536  # documents in a new hot index
GROWTH = 2.0  # rebuilt when it holds more than GROWTH x HOT_SIZE documents (or fewer than HOT_SIZE / GROWTH)
MIN_DOCUMENTS = 4 * HOT_SIZE  # fewer documents: no hot index (the whole posting lists are short)
BUILD_SECONDS = 600  # the build's statement timeout (the connection's own, DB_STATEMENT_TIMEOUT, is for requests)
# The build first waits for every transaction open on the database to end: one left open (an idle session, even in
# this process) fails it after WAIT_SECONDS instead of holding the job; it is tried again at the next run.
WAIT_SECONDS = 30
PREFIX = "ix_search_documents_hot_"
_LOCK = "SELECT pg_try_advisory_lock(hashtext('otklik-search-hot'))"
_UNLOCK = "SELECT pg_advisory_unlock(hashtext('otklik-search-hot'))"
# Kind names of lower-case letters only ("topic", "article"): Python orders them as PostgreSQL does in any collation.
_KIND = re.compile(r"^[a-z]{1,40}$")
_NAME = re.compile(rf"^{PREFIX}[0-9a-f]{{8}}$")


class Hot(NamedTuple):
    """A hot index: its name and the candidate-order key (popularity, kind, ref_id) of its least document."""

    name: str
    popularity: float
    kind: str
    ref_id: int


def predicate(hot: Hot, alias: str = "") -> str:
    """The index's WHERE, literally: `popularity, kind, ref_id` at least the hot key (the same shape as
    pg_ranking's tier condition). Constants only, built from a float, an integer and a checked kind name."""
    if not _KIND.match(hot.kind):
        raise ValueError(f"unexpected document kind {hot.kind!r}")
    p, k, r = f"CAST('{float(hot.popularity)!r}' AS double precision)", f"'{hot.kind}'", int(hot.ref_id)
    a = alias
    return f"({a}popularity > {p} OR ({a}popularity = {p} AND ({a}kind > {k} OR ({a}kind = {k} AND {a}ref_id >= {r}))))"


def covers(hot: Hot | None, popularity: float, kind: str, ref_id: int) -> bool:
    """The upper set from this key (a tier) lies inside the hot set (False when unsure: kinds compared only when
    both are plain names, whose order is the same in Python and in PostgreSQL)."""
    if hot is None or not _KIND.match(hot.kind):
        return False
    if popularity != hot.popularity:
        return popularity > hot.popularity
    return bool(_KIND.match(kind)) and (kind, ref_id) >= (hot.kind, hot.ref_id)


def from_json(value) -> Hot | None:
    return Hot(str(value[0]), float(value[1]), str(value[2]), int(value[3])) if value else None


def _existing(conn) -> list[str]:
    rows = conn.execute(
        text("SELECT indexname FROM pg_indexes WHERE tablename = 'search_documents' AND indexname LIKE :p"),
        {"p": PREFIX + "%"},
    )
    return [name for (name,) in rows if _NAME.match(name)]


def _size(conn, hot: Hot) -> int:
    return int(conn.execute(text(f"SELECT count(*) FROM search_documents WHERE {predicate(hot)}")).scalar())


def refresh(engine, current: Hot | None) -> tuple[bool, Hot | None, list[str]]:
    """(decided, the hot index to use from now on, the old ones to drop once it is stored): `current` while it
    still fits, a new one built now when it does not, None below MIN_DOCUMENTS. Runs outside any transaction
    (CREATE INDEX CONCURRENTLY: writes go on meanwhile); one process at a time: while another holds the advisory
    lock, nothing is decided (the caller keeps what is stored, which that process is about to replace)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if not conn.execute(text(_LOCK)).scalar():
            return False, current, []
        try:
            existing = _existing(conn)
            documents = int(conn.execute(text("SELECT documents FROM search_stats WHERE id = 1")).scalar() or 0)
            if documents < MIN_DOCUMENTS:
                return True, None, existing
            fits = current is not None and current.name in existing
            if fits and HOT_SIZE / GROWTH <= _size(conn, current) <= HOT_SIZE * GROWTH:
                return True, current, [name for name in existing if name != current.name]
            key = conn.execute(
                text(
                    "SELECT popularity, kind, ref_id FROM search_documents "
                    "ORDER BY popularity DESC, kind DESC, ref_id DESC OFFSET :n LIMIT 1"
                ),
                {"n": HOT_SIZE - 1},
            ).one_or_none()
            if key is None or not _KIND.match(key[1]):
                return True, None, existing
            hot = Hot(PREFIX + secrets.token_hex(4), float(key[0]), str(key[1]), int(key[2]))
            try:
                # it waits for every transaction open on the database to end, then reads the table twice
                conn.execute(text(f"SET statement_timeout = '{int(BUILD_SECONDS)}s'"))
                conn.execute(text(f"SET lock_timeout = '{int(WAIT_SECONDS * 1000)}ms'"))
                conn.execute(
                    text(
                        f"CREATE INDEX CONCURRENTLY {hot.name} ON search_documents USING gin (tsv) "
                        f"WITH (fastupdate = off) WHERE {predicate(hot)}"  # as ix_search_documents_tsv
                    )
                )
            except Exception as error:  # an interrupted build leaves an invalid index: drop it
                log.warning("search: the hot index could not be built (%s); keeping the previous one", error)
                with contextlib.suppress(Exception):  # else the next run drops it (not the stored one)
                    conn.execute(text(f"DROP INDEX CONCURRENTLY IF EXISTS {hot.name}"))
                return False, current, []
            log.info("search: hot index %s built over %d documents", hot.name, HOT_SIZE)
            return True, hot, existing
        finally:
            conn.execute(text("RESET statement_timeout"))
            conn.execute(text("RESET lock_timeout"))
            conn.execute(text(_UNLOCK))


def drop(engine, names: list[str]) -> None:
    """Drop hot indexes no longer named in search_meta (CONCURRENTLY: a query using one finishes first)."""
    if not names:
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for name in names:
            if _NAME.match(name):
                conn.execute(text(f"DROP INDEX CONCURRENTLY IF EXISTS {name}"))
