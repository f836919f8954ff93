"""Which sentence encoder reads a text, the same rule for a request and for a document (their vectors must be in
one space): all-MiniLM-L6-v2 (minilm.py) for text in Latin letters, multilingual-e5-small (e5.py) for the rest
(Russian, Ukrainian), or e5 for every text with SEARCH_E5_LATIN. Each keeps its own settings
(SEARCH_MINILM_* / SEARCH_E5_*: on, re-rank, neighbours, request length) and its vectors under its name."""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from types import ModuleType

from flask import current_app

from app.search import analysis
from app.search.semantic import e5, minilm


@dataclass(frozen=True)
class Choice:
    module: ModuleType  # minilm or e5: NAME, enabled(), encoder()
    prefix: str  # of its settings
    default_doc_tokens: int  # what it reads of a document (<prefix>_DOC_TOKENS changes it)
    parallel: bool  # its encoder releases the GIL: the request is embedded while the words are searched
    floor_setting: str  # the least cosine of a neighbour (each model's cosines have their own scale)

    @property
    def name(self) -> str:
        return self.module.NAME

    @property
    def doc_tokens(self) -> int:
        return int(current_app.config.get(f"{self.prefix}_DOC_TOKENS", self.default_doc_tokens))


# all-MiniLM-L6-v2 was trained on word-piece sequences of 128: a document is cut there
MINILM = Choice(minilm, "SEARCH_MINILM", 128, parallel=False, floor_setting="SEARCH_SEMANTIC_MIN_COSINE")
E5 = Choice(e5, "SEARCH_E5", e5.DOC_TOKENS, parallel=True, floor_setting="SEARCH_E5_MIN_COSINE")


def for_text(text: str) -> Choice | None:
    """The encoder that reads `text` (enabled and installed), or None. Documents are embedded whatever
    SEARCH_SEMANTIC says (turning it off and on again must not leave them without vectors): the caller that ranks
    checks it."""
    if analysis.is_latin_text(text):
        if current_app.config.get("SEARCH_E5_LATIN", False) and e5.enabled():
            return E5
        return MINILM if minilm.enabled() else None
    return E5 if e5.enabled() else None


def enabled() -> list[Choice]:
    """The encoders that may read some text now."""
    return [choice for choice in (MINILM, E5) if choice.module.enabled()]


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def embed_request(choice: Choice, text: str, tokens: int) -> Future:
    """The vector of the request's first `tokens` word pieces by `choice`, computed on a thread of the process
    when the encoder releases the GIL (the caller searches the words meanwhile), else at once; result() gives
    it."""
    global _pool
    encoder = choice.module.encoder()
    if choice.parallel:
        with _pool_lock:
            if _pool is None:  # made in the process that uses it (after gunicorn's fork)
                _pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="embed")
        return _pool.submit(encoder.encode_one, text, tokens)
    done: Future = Future()
    done.set_result(encoder.encode_one(text, tokens))
    return done
