"""Where the page cache keeps its entries and generations (app/common/pagecache.py says what they are): Redis,
shared by every worker and node, with a copy of recent entries in each process; or one process's dictionary
with a stamp file's modification time as the generation."""

import os
import secrets
import threading
import time
from collections import OrderedDict

from app.common import redis_conn
from app.common.page_watch import GenerationWatch


class RedisStore:
    """Entries and generations in Redis (app/common/redis_conn.py: short timeouts, a breaker). While Redis is away
    every lookup is a miss and nothing is stored; a change that could not be announced then is announced as a
    change of everything (`all`) as soon as Redis answers again, so no node serves a page older than the change."""

    def __init__(self, app, prefix: str, copies: int = 256):
        self.app, self.prefix = app, prefix
        self.missed = False
        self.copies: OrderedDict[str, tuple[float, bytes, bytes]] = OrderedDict()  # key -> (expiry, value, epoch)
        self.epoch_key = f"{prefix}epoch"  # a random token: a flushed or restarted Redis has another one
        self.copies_max = copies
        self.lock = threading.Lock()
        self.own = threading.local()  # this thread's connection for the generations (see _generations)
        self.packed: dict[tuple, list] = {}  # generation keys -> their MGET as sent
        self.channel = f"{prefix}changes"  # every bump is announced here (page_watch.py)
        self.watch = (
            GenerationWatch(app.config["REDIS_URL"], redis_conn.timeouts(app), self.channel)
            if app.config.get("PAGE_CACHE_WATCH", True)
            else None
        )

    def _call(self, func, default=None):
        return redis_conn.call("page cache", func, default, app=self.app)

    def _generations(self, keys: tuple[str, ...]):
        """MGET on this thread's own connection (made like the pool's: the pool's bookkeeping cost more than the
        command). A connection that failed is closed, so no late answer is read as the next one's."""

        import redis

        def mget(client):
            own = self.own
            if getattr(own, "pid", None) != os.getpid():  # first use in this thread, or a forked process
                pool = client.connection_pool
                own.connection, own.pid = pool.connection_class(**pool.connection_kwargs), os.getpid()
            packed = self.packed.get(keys)  # the same few key lists come back on every hit
            if packed is None:
                self.packed = {} if len(self.packed) >= 1024 else self.packed
                packed = self.packed[keys] = own.connection.pack_command("MGET", *keys)
            for attempt in (1, 2):  # once more on a new connection when the old one was dropped (a Redis restart)
                try:
                    own.connection.send_packed_command(packed)
                    return own.connection.read_response()
                except BaseException as error:
                    own.connection.disconnect()
                    if attempt == 2 or not isinstance(error, redis.ConnectionError):
                        raise

        return self._call(mget)

    def _current(self, keys: tuple[str, ...]):
        """The values of `keys`: as this process remembers them while its subscription says nothing changed
        (no round trip), else read from Redis."""
        mark, values = (
            self.watch.known(keys) if self.watch is not None and redis_conn.usable(self.app) else (None, None)
        )
        if values is not None:
            return values
        values = self._generations(keys)
        if values is not None and mark is not None:
            self.watch.remember(keys, values, mark)
        return values

    def lookup(self, key: str, names: tuple[str, ...]) -> tuple[tuple, bytes | None] | None:
        """(generations now, stored value or None); None while Redis is away. An entry this process already holds
        costs only the generations (a few bytes): it is the stored value while they are what it was rendered
        under, exactly when Redis's own entry would be served."""
        if self.missed and not self.bump(("all",)):
            return None
        generation_keys = [f"{self.prefix}gen:{n}" for n in names]
        copy = self.copies.get(key)
        if copy is not None and copy[0] > time.monotonic():
            values = self._current((*generation_keys, self.epoch_key))
            if values is None:
                return None
            *values, epoch = values
            generations = tuple(v or b"0" for v in values)
            # The epoch: generations count again from 0 in a Redis that lost its keys, and could come back to a
            # copy's values while it lives; the copy is then another epoch's.
            if epoch == copy[2] and copy[1].startswith(b"|".join(generations) + b"\n"):
                return generations, copy[1]
        entry_key = f"{self.prefix}page:{key}"

        def read(client):
            pipe = client.pipeline(transaction=False)
            pipe.mget([*generation_keys, entry_key, self.epoch_key])
            pipe.pttl(entry_key)
            return pipe.execute()

        found = self._call(read)
        if found is None:
            return None
        (*values, value, epoch), expires_ms = found
        generations = tuple(v or b"0" for v in values)
        if value is not None and epoch and expires_ms > 0 and value.startswith(b"|".join(generations) + b"\n"):
            self._keep(key, value, expires_ms / 1000, epoch)
        return generations, value

    def _keep(self, key: str, value: bytes, ttl: float, epoch: bytes) -> None:
        with self.lock:
            self.copies[key] = (time.monotonic() + ttl, value, epoch)
            self.copies.move_to_end(key)
            while len(self.copies) > self.copies_max:
                self.copies.popitem(last=False)

    def store(self, key: str, value: bytes, ttl: int) -> None:
        def write(client):
            pipe = client.pipeline(transaction=False)
            pipe.set(self.epoch_key, secrets.token_hex(8), nx=True)
            pipe.get(self.epoch_key)
            pipe.set(f"{self.prefix}page:{key}", value, ex=ttl)
            return pipe.execute()

        done = self._call(write)
        if done and done[1] and done[2]:
            self._keep(key, value, ttl, done[1])

    def bump(self, names) -> bool:
        def incr(client):
            pipe = client.pipeline(transaction=False)
            for name in names:
                pipe.incr(f"{self.prefix}gen:{name}")
            pipe.publish(self.channel, ",".join(names))  # after the INCRs: a process that hears it reads them
            pipe.execute()
            return True

        done = bool(self._call(incr, False))
        if self.watch is not None:  # this process sees its own change at once, whenever its announcement lands
            self.watch.forget()
        if not done:
            self.missed = True
        elif "all" in names:
            self.missed = False
        return done


class LocalStore:
    """One process's entries (at most `size`); the generation is the stamp file's modification time."""

    def __init__(self, stamp: str, size: int = 512):
        self.stamp, self.size = stamp, size
        self.entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self.lock = threading.Lock()
        if not os.path.exists(stamp):
            self.bump(("all",))

    def lookup(self, key: str, names: tuple[str, ...]) -> tuple[tuple, bytes | None]:
        try:
            generation = str(os.stat(self.stamp).st_mtime_ns).encode()
        except OSError:
            generation = b"0"
        hit = self.entries.get(key)
        value = hit[1] if hit is not None and hit[0] > time.monotonic() else None
        return (generation,) * len(names), value

    def store(self, key: str, value: bytes, ttl: int) -> None:
        with self.lock:
            self.entries[key] = (time.monotonic() + ttl, value)
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def bump(self, names) -> None:
        os.makedirs(os.path.dirname(self.stamp), exist_ok=True)
        with open(self.stamp, "a"):
            pass
        os.utime(self.stamp, ns=(time.time_ns(), time.time_ns()))
