"""Answers whose duration must not tell anything (is this e-mail registered?): pad them to a floor."""

import contextlib
import time


@contextlib.contextmanager
def at_least(seconds: float):
    """The block takes at least `seconds` (sleeping for the rest), so a fast and a slow path look alike."""
    start = time.perf_counter()
    try:
        yield
    finally:
        remaining = seconds - (time.perf_counter() - start)
        if remaining > 0:
            time.sleep(remaining)
