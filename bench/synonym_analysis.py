"""What the staff's synonym groups (app/search/custom_synonyms.py) cost the analyser, as ratios from one run.

    .venv/bin/python -m bench.synonym_analysis --corpus $D/rutube-support/corpus.jsonl [--docs 2000] [--groups 50]

Analyses the same documents (title + body, warm caches; the fastest of REPEAT passes) four ways:
outside an application (the analyser alone), in an application without groups, with one group, and with
`--groups` groups saved in /admin/synonyms (the settings store), and prints seconds and ratios to the first.
"""

import argparse
import json
import time

REPEAT = 7
GROUP_WORDS = ["ипотека = жилищный кредит", "вклад = депозит", "видео = ролик", "канал = блог", "стрим = трансляция"]


def _docs(path: str, limit: int) -> list[str]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            out.append(f"{row.get('title', '')}\n{row.get('body', '')}")
            if len(out) >= limit:
                break
    return out


def _timed(docs: list[str]) -> float:
    from app.search import analysis

    for doc in docs:  # warm the word caches
        analysis.analyse(doc)
    best = float("inf")
    for _ in range(REPEAT):  # the fastest of REPEAT passes: the least disturbed by other work on the machine
        start = time.perf_counter()
        for doc in docs:
            analysis.analyse(doc)
        best = min(best, time.perf_counter() - start)
    return best


def _save_groups(groups: list[str]) -> None:
    from app.admin import synonyms
    from app.branding import store
    from app.extensions import db

    store.write(synonyms.KEY, {"groups": [synonyms.parse(g) for g in groups]})
    db.session.commit()
    store.forget(synonyms.KEY)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--groups", type=int, default=50)
    args = parser.parse_args()
    docs = _docs(args.corpus, args.docs)
    from bench._support import fresh_app

    results = {"outside an app": _timed(docs)}
    with fresh_app() as (app, _workdir):
        results["app, no groups"] = _timed(docs)
        _save_groups(GROUP_WORDS[:1])
        results["app, 1 group"] = _timed(docs)
        many = [f"{GROUP_WORDS[n % len(GROUP_WORDS)]} = слово{n}" for n in range(args.groups)]
        _save_groups(many)
        results[f"app, {args.groups} groups"] = _timed(docs)
    base = results["outside an app"]
    print(
        json.dumps(
            {"docs": len(docs), **{k: {"s": round(v, 3), "ratio": round(v / base, 2)} for k, v in results.items()}}
        )
    )


if __name__ == "__main__":
    main()
