"""Latent semantic analysis trained on the community's own text (no model is downloaded or shipped).

Training: each document is its analysed terms (analysis.analyse: lemmas, Ukrainian mapped to Russian, the
title counted twice); terms found in at least MIN_DF documents and in at most MAX_DF_SHARE of them form
the vocabulary (at most MAX_TERMS, the most frequent); the sublinear tf-idf document-term matrix is
factorised by a truncated SVD (scipy's ARPACK) into DIMENSIONS dimensions. A term's vector is its row of
V scaled by the singular values; a text's vector is the normalised tf-idf weighted sum of its terms'
vectors ("folding in"), so documents written after training get vectors without retraining.
"""

from __future__ import annotations

import io
import json
import math
from collections import Counter
from collections.abc import Callable, Iterable

import numpy as np

DIMENSIONS = 128
MIN_DF = 2
MAX_DF_SHARE = 0.5
MAX_TERMS = 60_000
MIN_DOCS = 4  # fewer documents than this: no model


class SemanticModel:
    """Terms, their idf, V of the SVD (float32, terms x dims) and the singular values."""

    def __init__(self, terms: list[str], idf: np.ndarray, vectors: np.ndarray, sigma: np.ndarray, version: str = ""):
        self.terms = terms
        self.index = {term: i for i, term in enumerate(terms)}
        self.idf = idf.astype(np.float32)
        self.vectors = vectors.astype(np.float32)
        self.sigma = sigma.astype(np.float32)
        self.version = version
        self._term_units: np.ndarray | None = None

    def term_units(self) -> np.ndarray:
        """Unit term vectors (rows of V scaled by the singular values) for term-to-term closeness."""
        if self._term_units is None:
            scaled = self.vectors * self.sigma
            self._term_units = scaled / np.maximum(np.linalg.norm(scaled, axis=1, keepdims=True), 1e-9)
        return self._term_units

    @property
    def dims(self) -> int:
        return int(self.vectors.shape[1])

    def weights(self, terms: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
        """(row indexes, tf-idf weights) of the known terms."""
        counts = Counter(t for t in terms if t in self.index)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        rows = np.fromiter((self.index[t] for t in counts), dtype=np.int64, count=len(counts))
        tf = np.fromiter((1.0 + math.log(c) for c in counts.values()), dtype=np.float32, count=len(counts))
        return rows, tf * self.idf[rows]

    def embed_terms(self, terms: Iterable[str]) -> np.ndarray | None:
        rows, weights = self.weights(terms)
        if rows.size == 0:
            return None
        vec = weights @ self.vectors[rows]
        norm = float(np.linalg.norm(vec))
        return (vec / norm).astype(np.float32) if norm > 1e-9 else None

    def neighbours(self, terms: Iterable[str], count: int) -> list[tuple[str, float]]:
        """The terms closest in meaning to a set of terms (not among them), best first, with their cosine."""
        rows, weights = self.weights(terms)
        if count <= 0 or rows.size == 0:
            return []
        units = self.term_units()
        vec = weights @ units[rows]
        vec = vec / max(float(np.linalg.norm(vec)), 1e-9)
        exclude = {self.terms[int(i)] for i in rows}
        sims = units @ vec
        take = min(len(sims), count + len(exclude) + 1)
        best = np.argpartition(-sims, take - 1)[:take]
        best = best[np.argsort(-sims[best])]
        out = []
        for i in best:
            term = self.terms[int(i)]
            if term not in exclude:
                out.append((term, float(sims[i])))
                if len(out) >= count:
                    break
        return out

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        np.savez(
            buf,
            idf=self.idf,
            vectors=self.vectors.astype(np.float16),
            sigma=self.sigma,
            terms=np.frombuffer(json.dumps(self.terms, ensure_ascii=False).encode(), dtype=np.uint8),
        )
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, version: str = "") -> SemanticModel:
        with np.load(io.BytesIO(data)) as npz:
            terms = json.loads(npz["terms"].tobytes().decode())
            return cls(terms, npz["idf"], npz["vectors"].astype(np.float32), npz["sigma"], version)


def train(
    docs: list[list[str]], dimensions: int = DIMENSIONS, progress: Callable[[int], None] | None = None
) -> SemanticModel | None:
    """A model from analysed documents, or None when there is too little text to learn from."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.linalg import svds

    n_docs = len(docs)
    if n_docs < MIN_DOCS:
        return None
    df: Counter[str] = Counter()
    for terms in docs:
        df.update(set(terms))
    max_df = max(MIN_DF, int(MAX_DF_SHARE * n_docs))
    kept = [t for t, n in df.most_common() if MIN_DF <= n <= max_df][:MAX_TERMS]
    if len(kept) < MIN_DOCS:
        return None
    kept.sort()
    index = {t: i for i, t in enumerate(kept)}
    idf = np.array([math.log((1 + n_docs) / (1 + df[t])) + 1.0 for t in kept], dtype=np.float32)
    indptr, cols, vals = [0], [], []
    for n, terms in enumerate(docs, start=1):
        counts = Counter(t for t in terms if t in index)
        row = [(index[t], (1.0 + math.log(c)) * idf[index[t]]) for t, c in counts.items()]
        norm = math.sqrt(sum(v * v for _, v in row)) or 1.0
        cols.extend(i for i, _ in row)
        vals.extend(v / norm for _, v in row)
        indptr.append(len(cols))
        if progress and n % 1000 == 0:
            progress(1000)
    matrix = csr_matrix((np.array(vals, dtype=np.float32), cols, indptr), shape=(n_docs, len(kept)))
    k = max(2, min(dimensions, min(matrix.shape) - 1))
    _, sigma, vt = svds(matrix, k=k, random_state=0)
    return SemanticModel(kept, idf, vt.T.astype(np.float32), sigma.astype(np.float32))
