"""The PostgreSQL backend's popularity tiers (what pg_ranking.tiers_to_ask reads): the candidate order's key
(popularity, kind, ref_id) at pg_ranking.TIER_FRACTIONS of the documents, taken from search_documents, kept in the
search_meta row 'popularity_tiers' where every process and node reads them, and cached per process for TTL
seconds. Stale tiers only cost time: a capped suggestion is the same whatever they hold."""

from __future__ import annotations

import json
import math
import threading
import time

from sqlalchemy import text

from app.search.backends import pg_hot, pg_ranking
from app.search.backends.pg_lexemes import int_array

TTL = 300.0  # seconds the tiers are cached per process

# search_meta 'popularity_tiers': {"documents", "taken_at", "tiers": [[fraction, popularity, kind, ref_id], ...],
# "hot": [name, popularity, kind, ref_id] or null} (the hot index: pg_hot.py).
_KEYS_SQL = text(
    "SELECT rn, popularity, kind, ref_id FROM (SELECT popularity, kind, ref_id, row_number() OVER "
    "(ORDER BY popularity DESC, kind DESC, ref_id DESC) AS rn FROM search_documents "
    "ORDER BY popularity DESC, kind DESC, ref_id DESC LIMIT :last) AS k WHERE rn = ANY(:ranks) ORDER BY rn"
).bindparams(int_array("ranks"))
_SET_SQL = text(
    "INSERT INTO search_meta (key, value) VALUES ('popularity_tiers', :value) "
    "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
)
_GET_SQL = text("SELECT value FROM search_meta WHERE key = 'popularity_tiers'")
KEEP = object()  # refresh(hot=KEEP): the hot index stored now stays (another process is rebuilding it)
DELETE_SQL = text("DELETE FROM search_meta WHERE key = 'popularity_tiers'")


class TierStore:
    """One per backend object: the tiers this process last took or read, and when."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # (read at, tiers, hot index)
        self._cached: tuple[float, list[pg_ranking.Tier], pg_hot.Hot | None] | None = None

    def _keep(self, tiers: list[pg_ranking.Tier] | None, hot: pg_hot.Hot | None = None) -> None:
        with self._lock:
            self._cached = None if tiers is None else (time.monotonic(), tiers, hot)

    @staticmethod
    def stored_hot(conn) -> pg_hot.Hot | None:
        value = conn.execute(_GET_SQL).scalar()
        return pg_hot.from_json(json.loads(value).get("hot")) if value else None

    def refresh(self, conn, hot=KEEP) -> list[pg_ranking.Tier]:
        """Take the tiers (one index-only walk of the popularity index, as far as the widest tier: ~0.1 s at
        1,000,000 documents) and store them with the hot index `hot` (KEEP: the one stored), in the caller's
        transaction."""
        if hot is KEEP:
            hot = self.stored_hot(conn)
        n_docs = int(conn.execute(text("SELECT documents FROM search_stats WHERE id = 1")).scalar() or 0)
        # the rank that holds a fraction of the documents (at least the first); a tiny epsilon keeps 0.64 x 200 from
        # rounding up to 129
        ranks = sorted({max(1, math.ceil(f * n_docs - 1e-9)) for f in pg_ranking.TIER_FRACTIONS}) if n_docs else []
        rows = conn.execute(_KEYS_SQL, {"last": ranks[-1], "ranks": ranks}).all() if ranks else []
        tiers = [pg_ranking.Tier(rank / n_docs, float(p), kind, int(ref_id)) for rank, p, kind, ref_id in rows]
        value = json.dumps(
            {
                "documents": n_docs,
                "taken_at": time.time(),
                "tiers": [list(t) for t in tiers],
                "hot": list(hot) if hot else None,
            }
        )
        conn.execute(_SET_SQL, {"value": value})
        self._keep(tiers, hot)
        return tiers

    def read(self, conn) -> tuple[list[pg_ranking.Tier], pg_hot.Hot | None]:
        """The stored tiers and hot index, from this process's copy while it is younger than TTL."""
        with self._lock:
            cached = self._cached
        if cached is not None and time.monotonic() - cached[0] < TTL:
            return cached[1], cached[2]
        value = conn.execute(_GET_SQL).scalar()
        stored = json.loads(value) if value else {}
        tiers = [pg_ranking.Tier(float(f), float(p), k, int(r)) for f, p, k, r in stored.get("tiers", [])]
        hot = pg_hot.from_json(stored.get("hot"))
        self._keep(tiers, hot)
        return tiers, hot

    def forget(self) -> None:
        """After the stored row was deleted (the index cleared)."""
        self._keep(None)
