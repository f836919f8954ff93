"""What the semantic signal adds to one suggest: embedding the request (analyser + navec lookups) and the
brute-force cosine over N document vectors (one float32 matrix-vector product + a partial sort), as in
app/search/vector_store.nearest(). Synthetic unit vectors; the numbers depend on the machine's load.

    .venv/bin/python -m bench.search_semantic --docs 100000 --json
"""
import argparse
import json
import time

import numpy as np


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from app.search import semantic
    rng = np.random.default_rng(1)
    mat = rng.standard_normal((args.docs, semantic.DIM), dtype=np.float32)
    mat /= np.linalg.norm(mat, axis=1, keepdims=True)
    visible = rng.random(args.docs) < 0.95
    semantic.model()
    requests = ["Не приходит смс с кодом подтверждения", "Не працює мобільний застосунок після оновлення",
                "My card payment was declined abroad", "снять наличку в банкомате без комиссии"]
    cosine, embed = [], []
    for i in range(args.repeat):
        started = time.perf_counter()
        query = semantic.embed(requests[i % len(requests)] + f" {i}")
        embed.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        sims = np.where(visible, mat @ query, -2.0)
        top = np.argpartition(-sims, 40)[:40]
        top[np.argsort(-sims[top])]
        cosine.append((time.perf_counter() - started) * 1000)
    result = {"docs": args.docs, "dim": semantic.DIM,
              "cosine_p50_ms": round(percentile(cosine, 50), 2), "cosine_p95_ms": round(percentile(cosine, 95), 2),
              "embed_p50_ms": round(percentile(embed, 50), 2), "embed_p95_ms": round(percentile(embed, 95), 2),
              "matrix_mb": round(mat.nbytes / 2**20, 1)}
    print(json.dumps(result) if args.json else result)


if __name__ == "__main__":
    main()
