"""This process's subscription to the page cache's change announcements, so that a hit on a page the process
already holds needs no round trip to Redis (app/common/page_stores.py's RedisStore uses it).

Every change of a generation is published on a channel in the same pipeline as the INCR (`RedisStore.bump`).
A process subscribes once (lazily, after a fork), and then remembers the generations it last read. Before every
use of what it remembers it reads the channel without waiting (one non-blocking socket read): any announcement
since forgets everything it remembered, and the next lookup reads the generations from Redis again. A process's
own change is seen at once (`forget`); another's as soon as its announcement arrives, which Redis sends while it
answers the writer: in practice well under a millisecond later, while the writer has yet to finish its response.

Safety nets: what is remembered is trusted at most TRUST seconds (a subscription that silently stopped delivering
costs at most that much freshness); a subscription that fails is dropped and tried again after RETRY seconds,
every lookup reading Redis meanwhile; a remembered value is kept only when no announcement arrived while it was
being read.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time

log = logging.getLogger(__name__)

TRUST = 1.0  # seconds a remembered generation is used without reading Redis
RETRY = 5.0  # seconds before a failed subscription is tried again


class GenerationWatch:
    def __init__(self, url: str, options: dict, channel: str):
        self.url, self.options, self.channel = url, options, channel
        self.lock = threading.Lock()
        self.pubsub = None
        self.pid: int | None = None
        self.confirmed = False  # the subscription is acknowledged: every later announcement reaches us
        self.changes = 0  # announcements (and subscription losses) seen; a read compares it before and after
        self.remembered: dict[tuple, tuple[float, list]] = {}
        self.retry_at = 0.0

    def _client(self):
        """A client of its own that never reconnects by itself: a reconnected subscription would have missed the
        announcements made while it was away, so a failure must reach `_drop`."""
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        return redis.Redis.from_url(self.url, retry=Retry(NoBackoff(), 0), **self.options)

    def _drop(self, error: BaseException | None = None) -> None:
        if error is not None:
            log.info(
                "page cache: change subscription lost (%s: %s); reading generations per hit",
                type(error).__name__,
                error,
            )
            self.retry_at = time.monotonic() + RETRY
        pubsub, self.pubsub, self.confirmed = self.pubsub, None, False
        self.changes += 1
        self.remembered.clear()
        if pubsub is not None:
            with contextlib.suppress(Exception):  # the connection is being thrown away
                pubsub.close()

    def _poll(self) -> bool:
        """Read the announcements waiting on the subscription (never blocks). True while it can be trusted."""
        if self.pid != os.getpid():  # first use, or a forked process: the parent's connection is not ours
            self.pubsub, self.confirmed, self.pid = None, False, os.getpid()
            self.remembered.clear()
        if self.pubsub is None:
            if time.monotonic() < self.retry_at:
                return False
            try:
                self.pubsub = self._client().pubsub()
                self.pubsub.subscribe(self.channel)
            except Exception as error:  # no subscription: every hit reads Redis
                self._drop(error)
                return False
        try:
            while True:
                message = self.pubsub.get_message(timeout=0.0)
                if message is None:
                    return self.confirmed
                if message.get("type") == "subscribe":
                    self.confirmed = True
                self.changes += 1
                self.remembered.clear()
        except Exception as error:  # a lost subscription: every hit reads Redis until it is back
            self._drop(error)
            return False

    def forget(self) -> None:
        """This process changed a generation: what it remembers is not used again."""
        with self.lock:
            self.changes += 1
            self.remembered.clear()

    def known(self, keys: tuple) -> tuple[int | None, list | None]:
        """(a mark for `remember`, the generations of `keys` if this process may use what it remembers)."""
        with self.lock:
            if not self._poll():
                return None, None
            found = self.remembered.get(keys)
            if found is not None and time.monotonic() - found[0] < TRUST:
                return self.changes, found[1]
            return self.changes, None

    def remember(self, keys: tuple, values: list, mark: int | None) -> None:
        """Keep `values` just read from Redis, unless an announcement arrived since `mark` (then they may be
        older than it)."""
        if mark is None:
            return
        with self.lock:
            if self._poll() and self.changes == mark:
                if len(self.remembered) >= 1024:
                    self.remembered.clear()
                self.remembered[keys] = (time.monotonic(), values)
