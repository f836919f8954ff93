"""The demo community's content, read from the data files in app/demo/data/ (packaged with the application).

    data/brand.yaml              the brand of /admin/branding (per-language fields keyed ru/uk/en)
    data/<lang>/community.yaml   departments, accounts, categories, representatives' signatures
    data/<lang>/topics.yaml      topics with their comments, solutions, statuses and votes
    data/<lang>/kb/NN-*.md       published FAQ articles in FAQ order (YAML front matter: author, category, title)
    data/<lang>/kb/promoted.md   the answer of a demo topic edited into an article ("Add to FAQ")
    data/<lang>/kb/draft.md      an unpublished draft
    data/<lang>/news/NN.md       news posts, oldest first (front matter: title, pinned)

Everything is plain data: the loaders (app.demo.loader, app.demo.kb_loader) build it through the services.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).parent / "data"
LANGUAGE = "ru"  # the only language the demo community is written in so far


@dataclass(frozen=True)
class Article:
    author: str
    category: str
    title: str
    body: str


@dataclass(frozen=True)
class News:
    title: str
    body: str
    pinned: bool


@dataclass(frozen=True)
class Content:
    departments: dict  # key -> {name, description}
    users: dict  # key -> {email, name, role, departments, can_login}
    categories: dict  # key -> {name, department, description}, in home-page order
    topics: list  # dicts as app.demo.loader reads them; comments are (author key, text)
    articles: list[Article]
    promoted: dict  # {author, topic_title, body}
    draft: Article
    news: list[News]


def _yaml(path: Path):
    with path.open(encoding="utf-8") as stream:
        return yaml.safe_load(stream)


def _markdown(path: Path) -> tuple[dict, str]:
    """A Markdown file with YAML front matter between two `---` lines: (front matter, body)."""
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def _topic(item: dict, signatures: dict) -> dict:
    """Comments become (author key, text) with the author's signature appended when `signed`."""
    topic = dict(item)
    topic["comments"] = [
        (c["by"], c["text"] + (f"\n\n{signatures[c['by']]}" if c.get("signed") else ""))
        for c in item.get("comments", [])
    ]
    return topic


def _article(path: Path) -> Article:
    front, body = _markdown(path)
    return Article(front["author"], front["category"], front["title"], body)


@cache
def content(language: str = LANGUAGE) -> Content:
    root = DATA_DIR / language
    community = _yaml(root / "community.yaml")
    topics = [_topic(item, community["signatures"]) for item in _yaml(root / "topics.yaml")["topics"]]
    articles = [_article(path) for path in sorted((root / "kb").glob("[0-9]*.md"))]
    promoted_front, promoted_body = _markdown(root / "kb" / "promoted.md")
    news = []
    for path in sorted((root / "news").glob("[0-9]*.md")):
        front, body = _markdown(path)
        news.append(News(front["title"], body, bool(front.get("pinned"))))
    return Content(
        departments=community["departments"],
        users=community["users"],
        categories=community["categories"],
        topics=topics,
        articles=articles,
        promoted={**promoted_front, "body": promoted_body},
        draft=_article(root / "kb" / "draft.md"),
        news=news,
    )


def brand() -> dict:
    """A fresh copy each time: the caller adds the drawn files to it."""
    return _yaml(DATA_DIR / "brand.yaml")
