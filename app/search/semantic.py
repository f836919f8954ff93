"""Word vectors for matching by meaning: the Russian news vectors that the `natasha` wheel ships inside itself
(navec, 250,000 words x 300 dimensions, quantised; nothing is downloaded at run time).

Text goes through our own analyser first (analysis.analyse), so a Ukrainian word arrives as its Russian
equivalent (translation.py) and inflected forms as their lemma; the navec vocabulary also covers common
English words. A text's vector is the normalised mean of the unit vectors of its known, meaningful terms.
"""
from __future__ import annotations

import importlib.util
import logging
import os
import threading
from functools import lru_cache

import numpy as np

from app.search import analysis
from app.search.stopwords import ALL as STOP

log = logging.getLogger(__name__)
DIM = 300
_NAVEC_FILE = "data/emb/navec_news_v1_1B_250K_300d_100q.tar"
_model = None
_model_lock = threading.Lock()
# How much each part of a document counts in its vector: the title says what the thread is about.
TITLE_WEIGHT, ANSWERS_WEIGHT, BODY_WEIGHT = 1.0, 0.6, 0.4
_MAX_CHARS = 4000


def _navec_path() -> str | None:
    spec = importlib.util.find_spec("natasha")  # locates the wheel without importing natasha (and its deps)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = os.path.join(list(spec.submodule_search_locations)[0], _NAVEC_FILE)
    return path if os.path.exists(path) else None


def model():
    """The navec model, loaded once per process (~2 s); None when the package is not installed."""
    global _model
    if _model is None:
        with _model_lock:
            if _model is None:
                path = _navec_path()
                if path is None:
                    log.warning("search: natasha's navec vectors are not installed; no semantic signal")
                    _model = False
                else:
                    from navec import Navec
                    _model = Navec.load(path)
    return _model or None


def available() -> bool:
    return model() is not None


@lru_cache(maxsize=200_000)
def word_vector(term: str) -> np.ndarray | None:
    navec = model()
    if navec is None or term in STOP or len(term) < 2:
        return None
    vec = navec.get(term)
    if vec is None:
        return None
    vec = np.asarray(vec, dtype=np.float32)
    norm = float(np.linalg.norm(vec))
    return vec / norm if norm else None


def _unit(vec: np.ndarray | None) -> np.ndarray | None:
    if vec is None:
        return None
    norm = float(np.linalg.norm(vec))
    return (vec / norm).astype(np.float32) if norm > 1e-6 else None


def embed(text: str) -> np.ndarray | None:
    """Unit vector of a text, or None when none of its words is known."""
    vectors = [v for v in (word_vector(t) for t in analysis.analyse((text or "")[:_MAX_CHARS])) if v is not None]
    if not vectors:
        return None
    return _unit(np.mean(vectors, axis=0))


def embed_parts(parts: list[tuple[str, float]]) -> np.ndarray | None:
    """Unit vector of weighted parts (each part normalised first, so a long body does not drown the title)."""
    total = np.zeros(DIM, dtype=np.float32)
    found = False
    for text, weight in parts:
        vec = embed(text) if text else None
        if vec is not None:
            total += weight * vec
            found = True
    return _unit(total) if found else None


def embed_doc(doc) -> np.ndarray | None:
    return embed_parts([(doc.title, TITLE_WEIGHT), (doc.answers, ANSWERS_WEIGHT), (doc.body, BODY_WEIGHT)])
