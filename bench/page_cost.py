"""What one view of a heavy topic costs: 20 comments of 20,000 `<` characters each (every `<` becomes `&lt;`
in the sanitised HTML, the worst case for anything that re-parses it on view).

    .venv/bin/python -m bench.page_cost [--views 10] [--json]

Prints the median time of GET /t/<id> (HTML with JSON-LD; and of the same page with 20 short comments, and the
ratio of the two, measured in one run), of the topic's RSS feed and of a search for it, and of
a knowledge-base article of 40,000 `<` (its page with JSON-LD, the FAQ list with FAQPage JSON-LD, the KB feed).
"""

import argparse
import json
import statistics
import time

from bench._support import fresh_app, seed

COMMENTS = 20
SIZE = 20_000


def _median_ms(app, url: str, views: int) -> float:
    client = app.test_client()
    times = []
    for _ in range(views + 1):
        with app.app_context():
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times[1:]) * 1000  # the first view warms caches


def measure(views: int) -> dict:
    from app.auth import services as auth_services
    from app.community import services
    from app.extensions import db
    from app.kb import services as kb_services
    from app.search import outbox

    with fresh_app() as (app, _workdir):
        author, category = seed()
        topic = services.create_topic(
            author, "question", "Angle brackets everywhere", "<" * SIZE, category.id, mood="indifferent"
        )
        for _ in range(COMMENTS):
            services.post_comment(author, topic, "<" * SIZE)
        writer = auth_services.register_user("bench.rep@example.com", "bench-password-123", "Bench Rep", "admin")
        article = kb_services.create_article(
            writer, "Angle brackets explained", "<" * (2 * SIZE), category.id, publish=True
        )
        small = services.create_topic(
            author, "question", "Short words only", "A short question.", category.id, mood="indifferent"
        )
        for _ in range(COMMENTS):
            services.post_comment(author, small, "A short answer.")
        db.session.commit()
        outbox.drain()
        url = f"/t/{topic.id}-{topic.slug}"
        heavy = _median_ms(app, url, views)
        light = _median_ms(app, f"/t/{small.id}-{small.slug}", views)
        return {
            "topic_page_ms": round(heavy, 1),
            # The same page with 20 short comments, measured in this run: what the machine costs without the '<'.
            "short_topic_page_ms": round(light, 1),
            "heavy_to_short_ratio": round(heavy / light, 2),
            "feed_ms": round(_median_ms(app, "/feeds/topics.rss", views), 1),
            "search_ms": round(_median_ms(app, "/search?q=angle", views), 1),
            "article_page_ms": round(_median_ms(app, f"/kb/{article.id}-{article.slug}", views), 1),
            "faq_ms": round(_median_ms(app, "/kb/", views), 1),
            "kb_feed_ms": round(_median_ms(app, "/feeds/kb.atom", views), 1),
            "comments": COMMENTS,
            "comment_chars": SIZE,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--views", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.views)
    print(json.dumps(result) if args.json else "\n".join(f"{k:15} {v}" for k, v in result.items()))


if __name__ == "__main__":
    main()
