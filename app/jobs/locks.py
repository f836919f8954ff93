"""Exclusive file locks between processes (fcntl.flock): released by the kernel when a process dies, so a
kill -9 never leaves a stale lock behind."""

import fcntl
import os
import time
from pathlib import Path


class LockBusy(Exception):
    pass


class FileLock:
    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._fd: int | None = None

    def acquire(self, wait: float = 0.0, poll: float = 0.05) -> "FileLock":
        """Take the lock, waiting up to `wait` seconds; LockBusy when another process keeps it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise LockBusy(str(self.path)) from None
                time.sleep(poll)
                continue
            break
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def holder(self) -> str:
        try:
            return self.path.read_text().strip() or "?"
        except OSError:
            return "?"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release()
